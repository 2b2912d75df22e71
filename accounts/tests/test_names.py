"""Display names: cleaning, look-alike keys and reserved names."""

import pytest
from django.core.exceptions import ValidationError

from accounts.names import (
    clean_display_name,
    is_reserved_name,
    name_skeleton,
    validate_display_name,
)
from accounts.tests.fixtures import make_user
from newsroom.models import Author


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  Ada   Quill ", "Ada Quill", id="whitespace-collapsed"),
        pytest.param("Ada\tQuill\n", "Ada Quill", id="tab-and-newline-are-spaces"),
        pytest.param("A\u200bd\u200ca\u200d\u200e\u200f", "Ada", id="zero-width"),
        pytest.param("\u2060Ada\u2064\ufeff", "Ada", id="word-joiner-and-bom"),
        pytest.param("\u202eAda\u202c \u2066Quill\u2069", "Ada Quill", id="bidi"),
        pytest.param("Ada\x00\x07\x1b", "Ada", id="control-characters"),
        pytest.param("Ad\u00ada", "Ada", id="soft-hyphen"),
        pytest.param("\u3164Ada\u115f", "Ada", id="hangul-fillers"),
        pytest.param("Ａｄａ", "Ada", id="nfkc-full-width"),
        pytest.param("e\u0301", "\u00e9", id="nfkc-composes"),
        pytest.param("a" + "\u0300" * 5, "\u00e0\u0300\u0300\u0300", id="zalgo-cut"),
        pytest.param("李小龍", "李小龍", id="other-scripts-kept"),
        pytest.param("\u200b \u200b", "", id="nothing-left"),
    ],
)
def test_clean_display_name(raw, expected):
    # given raw input / when cleaned / then
    assert clean_display_name(raw) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("Admin", "admin", id="case"),
        pytest.param("Аdmin", "Admin", id="cyrillic-a"),
        pytest.param("Mоderator", "moderator", id="cyrillic-o"),
        pytest.param("Tοm", "Tom", id="greek-omicron"),
        pytest.param("adm1n", "admin", id="digit-one"),
        pytest.param("r00t", "root", id="digit-zero"),
        pytest.param("$t4ff", "staff", id="dollar-and-four"),
        pytest.param("3d|tor", "editor", id="three-and-bar"),
        pytest.param("@dmin", "admin", id="at-sign"),
        pytest.param("a d-m.i_n", "admin", id="punctuation-and-spaces"),
        pytest.param("Ádmîn", "admin", id="accents"),
        pytest.param("ａｄｍｉｎ", "admin", id="full-width"),
        pytest.param("𝐚𝐝𝐦𝐢𝐧", "admin", id="math-bold"),
        pytest.param("adrnin", "admin", id="rn-for-m"),
    ],
)
def test_name_skeleton_matches_look_alikes(a, b):
    assert name_skeleton(a) == name_skeleton(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Adam", "Admin"), ("Admiral", "Admin"), ("Asher", "Usher"), ("Bo", "Ba")],
)
def test_name_skeleton_keeps_different_names_apart(a, b):
    assert name_skeleton(a) != name_skeleton(b)


def test_name_skeleton_is_lowercase_latin_for_a_mixed_name():
    assert name_skeleton("Аdm1n ") == "admln"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Admin", id="plain"),
        pytest.param("ADMIN ", id="upper-trailing-space"),
        pytest.param("Аdmin", id="cyrillic-capital-a"),
        pytest.param("adm1n", id="digit"),
        pytest.param("a\u200bdmin", id="zero-width-space"),
        pytest.param("Mоderator", id="cyrillic-o"),
        pytest.param("administrator", id="administrator"),
        pytest.param("M0D", id="mod"),
        pytest.param("Staff", id="staff"),
        pytest.param("Editor", id="editor"),
        pytest.param("TRIBUNE", id="tribune"),
        pytest.param("r00t", id="root"),
        pytest.param("System", id="system"),
    ],
)
def test_reserved_words(db, name):
    assert is_reserved_name(name) is True


@pytest.mark.parametrize("name", ["Adam", "Admiral", "Asher", "Editorial Fan", "Mo"])
def test_ordinary_names_are_not_reserved(db, name):
    assert is_reserved_name(name) is False


def test_site_name_is_reserved(home_page):
    # given the site calls itself "Global News" (home_page sets it)
    # then
    assert is_reserved_name("Gl0bal  Nеws") is True  # zero, Cyrillic е


def test_author_name_and_alias_are_reserved(db):
    # given
    Author.objects.create(name="Tom Cole", slug="tom-cole", alias="The Owl")
    # then: a Greek omicron does not make a new person
    assert is_reserved_name("Tοm Cοle") is True
    assert is_reserved_name("the owl") is True
    assert is_reserved_name("Tom Coles") is False


def test_staff_names_are_reserved_but_readers_are_not(db):
    # given
    make_user(
        "ed@example.org",
        username="chief",
        display_name="Night Desk",
        first_name="Mary",
        last_name="Major",
        is_staff=True,
    )
    make_user("bo@example.org", username="bo", display_name="Bo Reader")
    make_user("su@example.org", username="boss", display_name="", is_superuser=True)
    # then
    assert is_reserved_name("Chief") is True
    assert is_reserved_name("Night Desk") is True
    assert is_reserved_name("Mary Major") is True
    assert is_reserved_name("B0ss") is True
    assert is_reserved_name("Bo Reader") is False


def test_a_staff_name_of_only_symbols_reserves_nothing(db):
    # given a member of staff whose names reduce to nothing
    make_user("x@example.org", username="x", display_name="…", is_staff=True)
    # then names of symbols are still free
    assert is_reserved_name("…") is False


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        pytest.param("", "required", "Enter a display name.", id="empty"),
        pytest.param("\u200b\x01", "required", "Enter a display name.", id="invisible"),
        pytest.param("A", "too_short", "Use at least 2 characters.", id="short"),
        pytest.param(
            "x" * 51,
            "too_long",
            "Use at most 50 characters (this one has 51).",
            id="long",
        ),
        pytest.param(
            "!?", "no_letters", "Include at least one letter or number.", id="symbols"
        ),
        pytest.param(
            "Аdmin",
            "reserved",
            "That name is reserved for the site and its staff. Please choose another.",
            id="reserved",
        ),
    ],
)
def test_validate_display_name_refusals(db, raw, code, message):
    with pytest.raises(ValidationError) as caught:
        validate_display_name(raw)
    assert caught.value.code == code
    assert caught.value.messages == [message]


def test_validate_display_name_returns_the_cleaned_name(db):
    assert validate_display_name(" Ada\u200b  Quill ") == "Ada Quill"
    assert validate_display_name("x" * 50) == "x" * 50
