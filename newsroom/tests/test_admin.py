"""The admin: clear errors on bad uploads, the site's own name, no third parties."""

from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from newsroom.models import SiteSettings
from newsroom.tests.fixtures import image_bytes

pytestmark = pytest.mark.django_db


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


def test_admin_dashboard_names_the_site_and_calls_no_third_party(
    editor_client, home_page
):
    response = editor_client.get("/admin/")

    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert html.title.get_text() == "Dashboard - Global News"
    assert html.h1.get_text(strip=True) == "Global News"
    page = response.content.decode()
    assert "gravatar" not in page.lower()  # no hash of the editor's e-mail sent out
    assert "data-w-upgrade" not in page  # no update check against wagtail.org


def test_admin_follows_the_site_name_in_site_settings(client, editor_client, home_page):
    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.name = "The Evening Lantern"
    site_settings.save()

    dashboard = BeautifulSoup(editor_client.get("/admin/pages/").content, "html.parser")
    client.logout()
    login = BeautifulSoup(client.get("/admin/login/").content, "html.parser")

    assert dashboard.title.get_text().endswith(" - The Evening Lantern")
    assert login.title.get_text() == "Sign in - The Evening Lantern"
    assert login.h1.get_text() == "Sign in to The Evening Lantern"
