"""A new page whose slug is taken: the editor is told which page holds it."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from wagtail.models import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(user)
    return client


def new_article_post(editor_client, section, *, json: bool = False):
    """A create-article form, sent as a browser sends it or as autosave does."""
    headers = {"Accept": "application/json"} if json else {}
    return editor_client.post(
        f"/admin/pages/add/newsroom/articlepage/{section.pk}/",
        {
            "title": "Begun twice",
            "slug": "begun-twice",
            "standfirst": "Again.",
            "body-count": "0",
            **{f"article_authors-{k}": "0" for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
            **{f"comments-{k}": "0" for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
        },
        headers=headers,
    )


def shown_messages(response) -> list[str]:
    html = BeautifulSoup(response.content, "html.parser")
    return [" ".join(li.get_text().split()) for li in html.select(".messages li")]


def test_new_page_on_a_drafts_slug_names_the_draft(editor_client, make_article):
    # given a draft autosave kept when an editor left a new article
    draft = make_article("Begun twice", slug="begun-twice", publish=False)
    before = Page.objects.count()
    # when the editor sends the same article again
    response = new_article_post(editor_client, draft.get_parent())
    # then the message names the draft and links to it; nothing is stored
    assert response.status_code == 200
    (named,) = [m for m in shown_messages(response) if "begun-twice" in m]
    assert named.startswith(
        "The slug “begun-twice” belongs to the draft “Begun twice” in Analysis, "
        "never published, last saved"
    )
    assert named.endswith(
        "Carry on with that draft, or give this page another slug under Promote. "
        "Edit the draft"
    )
    html = BeautifulSoup(response.content, "html.parser")
    link = html.select_one(".messages").find("a", string="Edit the draft")
    assert link["href"] == f"/admin/pages/{draft.pk}/edit/"
    assert Page.objects.count() == before


def test_new_page_on_a_published_pages_slug_names_it(editor_client, make_article):
    live = make_article("Begun twice", slug="begun-twice")

    response = new_article_post(editor_client, live.get_parent())

    assert [m for m in shown_messages(response) if "begun-twice" in m] == [
        "The slug “begun-twice” belongs to “Begun twice”, already in Analysis. "
        "Give this page another slug under Promote. Edit “Begun twice”"
    ]


def test_autosave_on_a_taken_slug_leaves_no_message_for_later(
    editor_client, make_article
):
    draft = make_article("Begun twice", slug="begun-twice", publish=False)

    response = new_article_post(editor_client, draft.get_parent(), json=True)

    assert response.status_code == 400
    assert response.json()["error_code"] == "validation_error"
    later = editor_client.get("/admin/")
    assert not [m for m in shown_messages(later) if "begun-twice" in m]
