"""`manage.py serve`, as `make run` uses it: web and worker, Ctrl-C stops both."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings


def server_env(tmp_path, **extra) -> dict[str, str]:
    """The environment for a server of the test's own: its own var/ and SQLite,
    and none of the developer's own address settings (`PORT=… make test`)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SITE_URL", "HOST", "PORT"}
    }
    return {
        **env,
        "TRIBUNE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def manage(env, *command: str) -> str:
    """Runs `manage.py command` to completion; its output."""
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def command_lines(session: int) -> str:
    """The whole command line of every process in a session, one a line.

    `-ww`: without it ps cuts lines at the terminal's width (or COLUMNS), and a
    clone in a longer path would lose the program names off the end.
    """
    return subprocess.run(
        ["ps", "-ww", "-o", "args=", "-g", str(session)],
        capture_output=True,
        text=True,
    ).stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A var/ folder with a migrated database, made once for the module: migrating
    takes longer than the rest of a server's start."""
    var_dir = tmp_path_factory.mktemp("migrated")
    manage(server_env(var_dir), "migrate", "--noinput")
    return var_dir


def migrate(migrated: Path, var_dir: Path) -> None:
    """Gives a server's var/ folder a migrated database of its own (a copy)."""
    shutil.copytree(migrated, var_dir, dirs_exist_ok=True)


def healthz_status(base: str, seconds: int = 60) -> int | None:
    """Waits for the server to answer /healthz; its status, or None if it never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz") as response:
                return response.status
        except OSError:
            time.sleep(0.3)
    return None


def test_serve_runs_web_and_worker_and_stops_on_ctrl_c(tmp_path, migrated):
    env = server_env(tmp_path, WEB_CONCURRENCY="1")
    migrate(migrated, tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        assert healthz_status(f"http://127.0.0.1:{port}") == 200
        children = command_lines(server.pid)
        assert "gunicorn" in children and "db_worker" in children

        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, output
    assert "Stopped." in output
    # --port, like PORT, is where links point when SITE_URL is not set
    assert f"Editors log in at http://127.0.0.1:{port}/admin/" in output
    time.sleep(0.5)
    assert not group_alive(server.pid)


@dataclass
class DemoServer:
    base: str
    var_dir: Path
    loader_output: str
    serve_log: Path


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, migrated):
    """`PORT=… make run` on a fresh clone: no SITE_URL, the demo site loaded, and
    `manage.py serve` taking its port from the environment; two web workers,
    each with its own in-memory cache (no Redis)."""
    var_dir = tmp_path_factory.mktemp("var")
    port = free_port()
    env = server_env(var_dir, WEB_CONCURRENCY="2", PORT=str(port))
    env.pop("REDIS_URL", None)
    migrate(migrated, var_dir)
    manage(env, "collectstatic", "--noinput")
    loader_output = manage(env, "load_demo_site")
    serve_log = var_dir / "serve.log"
    with serve_log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert healthz_status(base) == 200
        yield DemoServer(base, var_dir, loader_output, serve_log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def get(url: str) -> tuple[int, str]:
    """The status and text of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_every_link_points_at_the_port_make_run_serves(demo_server):
    base = demo_server.base
    # the editor's login line, from the demo loader and from serve
    assert f"Editor login: {base}/admin/  user: editor" in demo_server.loader_output
    assert f"Editors log in at {base}/admin/" in demo_server.serve_log.read_text()
    # what the site hands out
    assert f"Sitemap: {base}/sitemap.xml" in get(base + "/robots.txt")[1]
    assert f"<loc>{base}/analysis/</loc>" in get(base + "/sitemap.xml")[1]
    assert f"<link>{base}/</link>" in get(base + "/feed/")[1]
    home = get(base + "/")[1]
    assert f'<link rel="canonical" href="{base}/">' in home
    assert f'<meta property="og:url" content="{base}/">' in home


def test_a_new_reader_finishes_signing_up(demo_server):
    base = demo_server.base
    # when: a reader signs up
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    form = opener.open(base + "/accounts/signup/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    opener.open(
        base + "/accounts/signup/",
        data=urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "email": "new.reader@example.org",
                "display_name": "New Reader",
                "password1": "a long and new passphrase",
                "password2": "a long and new passphrase",
            }
        ).encode(),
    )
    # then: the link in the mail the worker sent opens on this server
    # (the file may be found while the worker is still writing it)
    deadline = time.monotonic() + 30
    link = None
    while not link:
        assert time.monotonic() < deadline, "no mail with a link was sent"
        time.sleep(0.3)
        for mail in (demo_server.var_dir / "mail").glob("*"):
            link = re.search(r"^http\S+/accounts/verify/\S+$", mail.read_text(), re.M)
    assert link[0].startswith(f"{base}/accounts/verify/")
    welcome = opener.open(link[0])
    assert welcome.url.startswith(base + "/")
    assert "New Reader" in welcome.read().decode()


def test_a_ten_thousand_character_search_gets_the_search_page(demo_server):
    # when: a reader pastes far too much into the search box
    status, html = get(demo_server.base + "/search/?q=" + "x" * 10_000)
    # then: gunicorn lets it through, and the search answers with what it keeps
    assert status == 200
    assert "<h1>Search</h1>" in html
    assert f'value="{"x" * 200}"' in html
    assert "Global News" in html


def test_past_the_cap_the_414_is_the_sites_own(demo_server):
    status, html = get(demo_server.base + "/search/?q=" + "x" * 40_000)

    assert status == 414
    assert "<h1>That address is too long</h1>" in html
    assert "Global News" in html


# Last in the file: it adds a comment to the demo server's lead article.
def test_every_worker_sees_a_new_comment_at_once(demo_server):
    """Two gunicorn workers each keep cached pages in memory; a comment posted
    through one must show on the pages the other serves."""
    base = demo_server.base
    api = base + "/api/v1/articles/"
    listing = json.load(urllib.request.urlopen(base + "/api/v1/csrf"))
    assert listing["csrf_token"]
    # Warm both workers' caches with the article and its comments.
    home = urllib.request.urlopen(base + "/").read().decode()
    path = re.search(r'class="front__lead".*?href="([^"]+)"', home, re.S).group(1)
    article_id = re.search(
        r'data-article-id="(\d+)"',
        urllib.request.urlopen(base + path).read().decode(),
    ).group(1)
    for _ in range(6):
        urllib.request.urlopen(base + path).read()
        urllib.request.urlopen(f"{api}{article_id}/comments").read()

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    token = json.load(opener.open(base + "/api/v1/csrf"))["csrf_token"]
    request = urllib.request.Request(
        f"{api}{article_id}/comments",
        data=json.dumps(
            {
                "body": "Seen by every worker",
                "name": "Nadia",
                "email": "n@example.org",
            }
        ).encode(),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
        method="POST",
    )
    assert opener.open(request).status == 201

    for _ in range(8):
        page = urllib.request.urlopen(base + path).read().decode()
        comments = json.load(urllib.request.urlopen(f"{api}{article_id}/comments"))
        assert "Seen by every worker" in page
        assert "4 Comments" in page
        assert comments["count"] == 4
