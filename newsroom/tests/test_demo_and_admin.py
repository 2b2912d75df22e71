"""The demo site has the seed page's shape; editors get clear errors on bad images."""

from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page

from discussion.models import Comment
from newsroom import demo_content
from newsroom.models import ArticlePage, Author, SectionPage, SiteSettings
from newsroom.tests.fixtures import image_bytes

pytestmark = pytest.mark.django_db


def counts():
    return (
        Comment.objects.count(),
        Page.objects.count(),
        Author.objects.count(),
        get_image_model().objects.count(),
        get_user_model().objects.count(),
    )


@pytest.fixture
def demo_site(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo_site", stdout=Output())
    return settings


class Output:  # a stdout sink for call_command
    def __init__(self):
        self.text = ""

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_demo_site_has_the_seed_shape(client, demo_site):
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
    assert html.select_one("#comments-heading").get_text() == "2 Comments"
    assert comment.select_one(".comment__author").get_text() == "Samir"
    assert comment.select_one("[data-vote-count=up]").get_text() == "1"
    assert comment.select_one("[data-vote-count=down]").get_text() == "0"
    assert comment.select_one(".replies .comment__author").get_text() == "Helen"


def test_demo_loader_is_idempotent(demo_site):
    before = counts()
    out = Output()

    call_command("load_demo_site", stdout=out)

    assert counts() == before
    assert "0 new article(s)" in out.text


def test_demo_loader_prints_how_the_editor_logs_in(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("TRIBUNE_EDITOR_PASSWORD", raising=False)
    out = Output()

    call_command("load_demo_site", stdout=out)

    password = (tmp_path / "editor_password").read_text().strip()
    assert f"password: {password}" in out.text
    assert "/admin/" in out.text and "user: editor" in out.text
    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password(password) and editor.is_superuser


def test_editor_password_from_environment(db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("TRIBUNE_EDITOR_PASSWORD", "correct horse battery")

    call_command("load_demo_site", stdout=Output())

    editor = get_user_model().objects.get(username="editor")
    assert editor.check_password("correct horse battery")
    assert not (tmp_path / "editor_password").exists()


def noisy_jpeg() -> bytes:
    out = BytesIO()
    PILImage.effect_noise((600, 600), 80).convert("RGB").save(out, "JPEG")
    assert len(out.getvalue()) > 20_000
    return out.getvalue()


@pytest.fixture
def editor_client(client, db):
    user = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("broken.jpg", b"this is not an image at all", "Upload a valid image"),
        ("empty.png", b"", "The submitted file is empty"),
        ("truncated.jpg", noisy_jpeg()[:3000], "Upload a valid image"),
    ],
    ids=["not-an-image", "empty", "truncated"],
)
def test_broken_image_upload_gets_a_clear_message(
    editor_client, filename, content, message
):
    before = get_image_model().objects.count()

    response = editor_client.post(
        "/admin/images/add/",
        {"title": "Bad", "file": SimpleUploadedFile(filename, content)},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert get_image_model().objects.count() == before


def test_oversized_image_upload_gets_a_clear_message(editor_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    big = image_bytes(size=(800, 800), fmt="PNG")
    assert len(big) > 1024
    before = get_image_model().objects.count()

    response = editor_client.post(
        "/admin/images/add/",
        {"title": "Big", "file": SimpleUploadedFile("big.png", big)},
    )

    assert response.status_code == 200
    assert "This file is too big" in response.content.decode()
    assert get_image_model().objects.count() == before


def test_good_image_upload_is_stored(editor_client):
    response = editor_client.post(
        "/admin/images/add/",
        {"title": "Fine", "file": SimpleUploadedFile("fine.jpg", image_bytes())},
    )

    assert response.status_code == 302
    assert get_image_model().objects.filter(title="Fine").exists()
