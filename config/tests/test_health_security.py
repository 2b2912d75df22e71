"""Health check, security headers and the settings' refusals."""

import os
import subprocess
import sys
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.mark.postgres  # PostgreSQL and Redis answer too
def test_healthz_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_the_database_is_down(client):
    with mock.patch(
        "config.views.connection.cursor", side_effect=OSError("connection refused")
    ):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "error: OSError"
    assert response.json()["status"] == "unavailable"


def test_healthz_503_when_the_cache_is_down(client):
    with mock.patch("config.views.cache.set", side_effect=ConnectionError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "error: ConnectionError"


def test_reader_pages_send_security_headers(client, make_article):
    article = make_article(image=True)

    response = client.get(article.url)

    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ") if part}
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.tasks  # the search page lists the indexed article
def test_pages_have_no_inline_script_or_style(client, make_article):
    article = make_article(image=True, tags=["x"])

    for path in ["/", article.url, "/authors/ada-quill/", "/search/?q=x", "/nope/"]:
        html = BeautifulSoup(client.get(path).content, "html.parser")
        for script in html.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", (
                path
            )
        assert html.find("style") is None, path
        assert html.find(attrs={"style": True}) is None, path
        assert not any(
            attr.startswith("on") for tag in html.find_all() for attr in tag.attrs
        ), path


def test_admin_may_frame_its_own_previews(client):
    response = client.get("/admin/login/")

    assert response["X-Frame-Options"] == "SAMEORIGIN"


def directives(response) -> dict[str, list[str]]:
    """The response's CSP, directive by directive (nonces, new each time, left out)."""
    policy = response["Content-Security-Policy"]
    return {
        name: [v for v in values if not v.startswith("'nonce-")]
        for name, *values in (part.split() for part in policy.split(";") if part)
    }


def test_an_editors_preview_may_be_framed_by_the_admin_only(client, make_article):
    # given an editor previewing an article from its edit page
    article = make_article("Framed in the side panel")
    editor = get_user_model().objects.create_superuser("ed", "ed@example.org", "pw")
    client.force_login(editor)
    preview = f"/admin/pages/{article.pk}/edit/preview/"
    stored = client.post(
        preview,
        {
            "title": "Framed in the side panel",
            "slug": article.slug,
            "article_authors-TOTAL_FORMS": "0",
            "article_authors-INITIAL_FORMS": "0",
            "body-count": "0",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
        },
    )
    assert stored.json() == {"is_valid": True, "is_available": True}
    # when the side panel loads it
    response = client.get(preview, {"in_preview_panel": "true", "mode": ""})
    # then: the admin (same origin) may frame it; the rest of the policy stays
    assert "<h1" in response.content.decode()
    assert "Framed in the side panel" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    framed = directives(response)
    assert framed["frame-ancestors"] == ["'self'"]
    public = directives(client.get(article.url))
    assert {**framed, "frame-ancestors": ["'none'"]} == public
    # and the public page still refuses every frame
    client.logout()
    response = client.get(article.url)
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def _settings_in_subprocess(**env):
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECRET", "TRIBUNE"))
    }
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )


def test_production_without_secret_key_fails_loudly(tmp_path):
    result = _settings_in_subprocess(
        TRIBUNE_PRODUCTION="1",
        ALLOWED_HOSTS="news.example.org",
        TRIBUNE_VAR_DIR=str(tmp_path),
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_without_allowed_hosts_fails_loudly(tmp_path):
    result = _settings_in_subprocess(
        TRIBUNE_PRODUCTION="1", SECRET_KEY="x" * 60, TRIBUNE_VAR_DIR=str(tmp_path)
    )

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set in production" in result.stderr


def test_demo_mode_generates_a_secret_key_once(tmp_path):
    first = _settings_in_subprocess(TRIBUNE_VAR_DIR=str(tmp_path))
    key = (tmp_path / "secret_key").read_text()
    second = _settings_in_subprocess(TRIBUNE_VAR_DIR=str(tmp_path))

    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert len(key) > 50
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_bad_boolean_in_environment_is_refused(tmp_path):
    result = _settings_in_subprocess(DEBUG="maybe", TRIBUNE_VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_request_log_line_has_status_and_duration(client, caplog):
    with caplog.at_level("INFO", logger="tribune.request"):
        client.get("/healthz")

    lines = [r.getMessage() for r in caplog.records if r.name == "tribune.request"]
    assert len(lines) == 1
    method, path, status, duration = lines[0].split()
    assert (method, path, status) == ("GET", "/healthz", "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0
