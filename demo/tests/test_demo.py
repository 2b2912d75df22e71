"""The demo site has the seed page's shape and can be loaded again safely."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings
from wagtail.images import get_image_model
from wagtail.models import Page

from demo import content as demo_content
from discussion.models import Comment
from moderation.services import is_moderator
from newsroom.models import ArticlePage, Author, SectionPage, SiteSettings

# Every test starts from the demo site, loaded once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_site")]


def counts():
    return (
        Comment.objects.count(),
        Page.objects.count(),
        Author.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
    )


@dataclass(frozen=True)
class DemoLoad:
    output: str  # what the loader printed
    var_dir: Path  # VAR_DIR while it ran


@pytest.fixture(scope="module")
def demo_site(module_db):
    """The demo site, loaded once for the module's tests as a first run loads it:
    into an empty database, with no editor password given."""
    var_dir = module_db.tmp / "var"
    var_dir.mkdir()
    out = Output()
    with (
        module_db.build(),
        override_settings(VAR_DIR=var_dir),
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        monkeypatch.delenv("TRIBUNE_EDITOR_PASSWORD", raising=False)
        call_command("load_demo_site", stdout=out)
    return DemoLoad(output=out.text, var_dir=var_dir)


class Output:  # a stdout sink for call_command
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_demo_site_has_the_seed_shape(client):
    site_settings = SiteSettings.objects.get()
    flagship = ArticlePage.objects.get(slug=demo_content.ARTICLES[0]["slug"])

    assert (site_settings.name, site_settings.tagline) == (
        "Global News",
        "Redeem the Oppressed",
    )
    assert ArticlePage.objects.live().count() == len(demo_content.ARTICLES) >= 9
    assert SectionPage.objects.live().count() >= 3
    assert Author.objects.count() >= 3
    assert flagship.section.slug == "analysis"
    assert [b.block_type for b in flagship.body].count("heading") == 3
    assert flagship.body[-1].block_type == "cta"
    assert flagship.source_name and not flagship.source_is_canonical
    assert flagship.authors[0].alias

    html = BeautifulSoup(client.get(flagship.url).content, "html.parser")
    assert len(html.select(".toc li")) == 3
    assert html.select_one(".source a").get_text() == flagship.source_name
    assert html.select_one(".author-box__meta").get_text().count("also known as") == 1
    lead = BeautifulSoup(client.get("/").content, "html.parser").select_one(
        ".front__lead .card__title a"
    )
    assert lead["href"] == flagship.url
    comment = html.select_one(".comments > li")
    assert html.select_one("#comments-heading").get_text() == "3 Comments"
    assert comment.select_one(".comment__author").get_text() == "Samir"
    assert comment.select_one("[data-vote-count=up]").get_text() == "1"
    assert comment.select_one("[data-vote-count=down]").get_text() == "0"
    assert comment.select_one(".replies .comment__author").get_text() == "Helen"
    # The seed's inline feedback: a question the editors ask about a passage,
    # marked in the body, with a reader's answer under it in the discussion.
    marker = html.select_one("[data-article-body] .passage__count--question")
    assert marker["data-question"].startswith("Is influence built slowly")
    assert marker.find_previous_sibling("mark").get_text().startswith("influence built")
    answer = html.select(".comments > li")[-1]
    assert answer.select_one(".comment__author").get_text() == "Farid"
    assert "Is influence built slowly" in answer.select_one(".comment__passage").text


def test_demo_loader_is_idempotent(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    before = counts()
    out = Output()

    call_command("load_demo_site", stdout=out)

    assert counts() == before
    assert "0 new article(s)" in out.text


def test_demo_loader_prints_how_the_editor_logs_in(demo_site):
    # the module's load was a first run without TRIBUNE_EDITOR_PASSWORD
    password = (demo_site.var_dir / "editor_password").read_text().strip()
    assert f"password: {password}" in demo_site.output
    assert "/admin/" in demo_site.output and "user: editor" in demo_site.output
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(password) and editor.is_superuser


def test_the_demo_editor_is_a_moderator(demo_site):
    editor = get_user_model().objects.get(username="editor")
    assert editor.groups.filter(name="Moderators").exists()
    assert is_moderator(editor)
    assert editor.has_perm("wagtailadmin.access_admin")


def test_editor_password_from_environment(settings, tmp_path, monkeypatch):
    # given a site without its editor yet (the module's load made one)
    get_user_model().objects.filter(username="editor").delete()
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("TRIBUNE_EDITOR_PASSWORD", "correct horse battery")

    call_command("load_demo_site", stdout=Output())

    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("correct horse battery")
    assert not (tmp_path / "editor_password").exists()


def test_the_moderators_desk_has_held_comments_to_decide(demo_site, client):
    held = Comment.objects.filter(state=Comment.State.PENDING)

    assert held.count() == 2
    assert all(comment.review.reasons for comment in held)
    flagship = held.first().thread.article
    page = client.get(flagship.url).content.decode()
    assert all(comment.body_source[:30] not in page for comment in held)
