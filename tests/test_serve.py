"""`manage.py serve`, as `make run` uses it: web and worker, Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from django.conf import settings


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


def test_serve_runs_web_and_worker_and_stops_on_ctrl_c(tmp_path):
    env = {
        **os.environ,
        "TRIBUNE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "WEB_CONCURRENCY": "1",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        env=env,
        cwd=settings.BASE_DIR,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(port)],
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as r:
                    status = r.status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        children = subprocess.run(
            ["ps", "-o", "args=", "-g", str(server.pid)], capture_output=True, text=True
        ).stdout
        assert "gunicorn" in children and "db_worker" in children

        os.killpg(server.pid, signal.SIGINT)  # what Ctrl-C sends
        output, _ = server.communicate(timeout=30)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, output
    assert "Stopped." in output
    time.sleep(0.5)
    assert not group_alive(server.pid)
