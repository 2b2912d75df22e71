"""The article form an editor sees, and what saving authors and settings does."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from newsroom.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(user)
    return client


def test_the_article_form_offers_the_comment_and_rating_switches(editor, make_article):
    article = make_article("Switches")

    html = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()

    assert 'name="comments_enabled"' in html
    assert 'name="comments_closed"' in html
    assert 'name="rating_enabled"' in html


def test_an_author_is_linked_to_an_account_of_the_newsroom_not_any_reader(
    editor, author, django_user_model
):
    from django.contrib.auth.models import Group, Permission

    writers = Group.objects.create(name="Writers")
    writers.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    writer = django_user_model.objects.create_user("ada", "ada@example.org", "pw")
    writer.groups.add(writers)
    reader = django_user_model.objects.create_user("rita", "rita@example.org", "pw")

    html = editor.get(f"/admin/snippets/newsroom/author/edit/{author.pk}/").content
    options = {
        option["value"]
        for option in BeautifulSoup(html, "html.parser").select(
            "select[name=user] option"
        )
        if option["value"]
    }

    assert str(writer.pk) in options
    assert str(reader.pk) not in options
    author.user = writer
    author.save()
    assert writer.author_profile == author


def test_saving_an_author_refreshes_cached_pages_once_committed(
    client, author, make_article, django_capture_on_commit_callbacks
):
    article = make_article("Bylines")
    client.get(article.url)
    assert client.get(article.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=False) as pending:
        author.name = "Ada Quill-Moss"
        author.save()
    # Not before the commit: a reader in between would cache the old byline.
    assert client.get(article.url)["X-Page-Cache"] == "hit"
    for callback in pending:
        callback()

    page = client.get(article.url)
    assert page["X-Page-Cache"] == "miss"
    assert "Ada Quill-Moss" in page.content.decode()


def test_renaming_the_site_refreshes_cached_pages(
    client, home_page, django_capture_on_commit_callbacks
):
    client.get("/")
    settings = SiteSettings.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        settings.name = "World Desk"
        settings.save()

    page = client.get("/")
    assert page["X-Page-Cache"] == "miss"
    assert "World Desk" in page.content.decode()
