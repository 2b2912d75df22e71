"""A member's own page: their display name (checked as at sign-up) and their
notification defaults; what apps above add comes through accounts.extensions."""

from __future__ import annotations

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/"


def test_a_guest_is_sent_to_sign_in(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/")


def test_the_page_shows_the_name_the_defaults_and_the_sections_above(client, reader):
    client.force_login(reader)

    response = client.get(ACCOUNT)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Ada Reader"' in html
    assert "ada@example.org" in html
    # A verified member starts with replies; new articles as they come.
    assert 'value="replies" id="id_defaults-comment_notify_1" required checked' in html
    assert (
        'value="instant" id="id_defaults-article_frequency_0" required checked' in html
    )
    assert 'id="subscriptions"' in html and 'id="comments"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_member_changes_their_display_name(client, reader):
    client.force_login(reader)

    response = client.post(
        ACCOUNT, {"form": "profile", "profile-display_name": "  Ada\u200b Quill "}
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/#profile"
    reader.refresh_from_db()
    assert reader.display_name == "Ada Quill"
    assert "Your display name is saved." in client.get(ACCOUNT).content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("", "Enter a display name.", id="empty"),
        pytest.param("A", "Use at least", id="too-short"),
        pytest.param("x" * 81, "Use at most", id="too-long"),
        pytest.param("<b>Ada</b>", "Names cannot contain", id="markup"),
        pytest.param("Admin", "", id="reserved"),
        pytest.param("---", "Include at least one letter", id="no-letters"),
    ],
)
def test_a_display_name_sign_up_would_refuse_is_refused(client, reader, name, message):
    client.force_login(reader)

    response = client.post(ACCOUNT, {"form": "profile", "profile-display_name": name})

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    reader.refresh_from_db()
    assert reader.display_name == "Ada Reader"


def test_a_member_sets_their_notification_defaults(client, reader):
    client.force_login(reader)

    response = client.post(
        ACCOUNT,
        {
            "form": "defaults",
            "defaults-comment_notify": "all",
            "defaults-article_frequency": "daily",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/#notifications"
    reader.refresh_from_db()
    assert (reader.comment_notify, reader.article_frequency) == ("all", "daily")
    assert reader.comment_notify_default == "all"
    html = client.get(ACCOUNT).content.decode()
    assert 'value="all" id="id_defaults-comment_notify_2" required checked' in html


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"form": "defaults"}, id="nothing-chosen"),
        pytest.param(
            {
                "form": "defaults",
                "defaults-comment_notify": "everything",
                "defaults-article_frequency": "daily",
            },
            id="unknown-choice",
        ),
        pytest.param({"form": "other"}, id="unknown-form"),
        pytest.param({}, id="no-form"),
    ],
)
def test_bad_defaults_are_refused_and_nothing_changes(client, reader, data):
    client.force_login(reader)

    response = client.post(ACCOUNT, data)

    assert response.status_code == 400
    reader.refresh_from_db()
    assert (reader.comment_notify, reader.article_frequency) == ("", "instant")


def test_an_unverified_member_starts_with_no_e_mails(db):
    user = User(email="new@example.org")
    assert user.comment_notify_default == "none"
