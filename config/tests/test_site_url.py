"""SITE_URL, the base of every link in mail, feeds and the sitemap, follows the server.

`make run` serves on HOST and PORT; without SITE_URL the links must point there, or a
new reader's sign-up link leads to a port nothing listens on.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

PRINT_SITE_URL = (
    "from django.conf import settings; "
    "print(settings.SITE_URL, *settings.CSRF_TRUSTED_ORIGINS)"
)


def site_url_with(tmp_path, **env) -> str:
    """SITE_URL and CSRF_TRUSTED_ORIGINS as `manage.py` sees them under `env`."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECRET", "TRIBUNE", "SITE_URL", "CSRF_TRUSTED"))
        and k not in {"HOST", "PORT"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_SITE_URL],
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TRIBUNE_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "18141"}, "http://127.0.0.1:18141"),
        ({"HOST": "localhost", "PORT": "18141"}, "http://localhost:18141"),
        ({"HOST": "0.0.0.0", "PORT": "18141"}, "http://127.0.0.1:18141"),
        ({"HOST": "::", "PORT": "18141"}, "http://localhost:18141"),
        ({"HOST": "::1", "PORT": "18141"}, "http://[::1]:18141"),
        (
            {"PORT": "18141", "SITE_URL": "https://news.example.org/"},
            "https://news.example.org",
        ),
    ],
    ids=[
        "defaults",
        "port",
        "host-and-port",
        "ipv4-wildcard",
        "ipv6-wildcard",
        "ipv6-loopback",
        "site-url-wins",
    ],
)
def test_site_url_follows_host_and_port_unless_set(tmp_path, env, expected):
    # when
    printed = site_url_with(tmp_path, **env)
    # then: the links and the origin trusted for form posts
    assert printed == f"{expected} {expected}"
