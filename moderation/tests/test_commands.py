"""`manage.py check_comments` and `load_moderation_lists`, and the lists in the
admin."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from discussion.models import Comment
from moderation.models import LinkDomain, Phrase

pytestmark = pytest.mark.django_db


def check_comments(tmp_path, *lines: str, args=()) -> list[dict]:
    path = tmp_path / "comments.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("check_comments", str(path), *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_one_verdict_a_line_in_order(tmp_path):
    # given three comments
    lines = [
        json.dumps({"body": "Thanks, a careful piece.", "name": "Amina"}),
        json.dumps({"body": "Refugees are vermin.", "name": "X", "email": "x@y.org"}),
        json.dumps({"body": "See bit.ly/x", "name": "Y", "website": ""}),
    ]
    phrases = Phrase.objects.count()
    # when checked
    results = check_comments(tmp_path, *lines)
    # then
    assert [r["verdict"] for r in results] == ["publish", "hold", "reject"]
    assert results[0] == {"verdict": "publish", "reasons": []}
    assert results[1]["reasons"][0]["code"] == "dehumanising"
    assert set(results[2]["reasons"][0]) == {"verdict", "code", "message"}
    # and nothing was stored
    assert Comment.objects.count() == 0
    assert Phrase.objects.count() == phrases


@pytest.mark.parametrize(
    ("line", "error"),
    [
        pytest.param("{not json", "not valid JSON", id="malformed"),
        pytest.param("[1, 2]", "must be a JSON object", id="array"),
        pytest.param('"text"', "must be a JSON object", id="string"),
        pytest.param('{"name": "A"}', '"body" is missing', id="no-body"),
        pytest.param(
            '{"body": 5, "name": "A"}', '"body" must be a string', id="number"
        ),
        pytest.param('{"body": "hi", "name": ["A"]}', '"name" must be', id="list-name"),
    ],
)
def test_a_bad_line_gives_an_error_line_and_the_rest_go_on(tmp_path, line, error):
    good = json.dumps({"body": "Thank you.", "name": "Amina"})
    results = check_comments(tmp_path, good, line, good)
    assert results[0]["verdict"] == results[2]["verdict"] == "publish"
    assert results[1]["line"] == 2
    assert error in results[1]["error"]


def test_repeats_within_the_file_are_held(tmp_path):
    spam = "Earn 300 dollars a day from home with this simple trick, ask me how!"
    lines = [json.dumps({"body": spam, "name": n}) for n in ("A", "B")]
    results = check_comments(tmp_path, *lines)
    assert [r["verdict"] for r in results] == ["publish", "hold"]
    assert results[1]["reasons"][-1]["code"] == "repeated"


def test_members_links_are_not_held(tmp_path):
    line = json.dumps({"body": "See https://example.org/x", "name": "A"})
    assert check_comments(tmp_path, line)[0]["verdict"] == "hold"
    assert check_comments(tmp_path, line, args=["--member"])[0]["verdict"] == "publish"


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(Exception, match="Cannot read"):
        call_command("check_comments", "/nonexistent/comments.jsonl")


def test_the_starter_lists_are_loaded_once():
    # given the lists the migration loaded, one of them changed by a moderator
    assert Phrase.objects.filter(action="reject").exists()
    assert LinkDomain.objects.filter(domain="reuters.com", kind="trusted").exists()
    Phrase.objects.filter(text="kill yourself").update(action="hold")
    Phrase.objects.filter(text="kys").delete()
    # when the command runs
    out = io.StringIO()
    call_command("load_moderation_lists", stdout=out)
    # then only what was missing comes back
    assert out.getvalue() == "Added 1 entries to the moderation lists.\n"
    assert Phrase.objects.get(text="kill yourself").action == "hold"


@pytest.mark.parametrize(
    "url_name",
    [
        pytest.param("wagtailsnippets_moderation_phrase:list", id="phrases"),
        pytest.param("wagtailsnippets_moderation_linkdomain:list", id="domains"),
        pytest.param("wagtailsnippets_moderation_phrase:add", id="add-phrase"),
    ],
)
def test_the_lists_are_in_the_admin(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200


def test_a_moderator_adds_a_phrase_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_moderation_phrase:add"),
        {"text": "<script>alert(1)</script> [lurk]*", "action": "hold", "note": "x"},
    )
    assert response.status_code == 302
    phrase = Phrase.objects.get(note="x")
    assert phrase.text == "<script>alert(1)</script> [lurk]*"
    listing = admin_client.get(reverse("wagtailsnippets_moderation_phrase:list"))
    assert b"<script>alert(1)" not in listing.content
