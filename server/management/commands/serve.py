"""Serves the site the way production does: gunicorn plus the task worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000  # config/settings.py has the same


class Command(BaseCommand):
    help = "Run gunicorn and the background task worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=self.env_host())
        parser.add_argument("--port", type=int, default=self.env_port())
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2))
        )

    @staticmethod
    def env_host() -> str:
        return os.environ.get("HOST") or DEFAULT_HOST

    @staticmethod
    def env_port() -> int:
        return int(os.environ.get("PORT") or DEFAULT_PORT)

    def handle(self, *args, host, port, workers, **options):
        if (host, port) != (self.env_host(), self.env_port()):
            # Without SITE_URL, config/settings.py builds it from HOST and PORT,
            # and this process read them before --host or --port. Starting again
            # with them in the environment makes this process and every one it
            # starts agree on the address that links in mail and feeds point to.
            manage = os.path.join(settings.BASE_DIR, "manage.py")
            os.execve(
                sys.executable,
                [sys.executable, manage, "serve", "--workers", str(workers)],
                {**os.environ, "HOST": host, "PORT": str(port)},
            )
        bin_dir = os.path.dirname(sys.executable)
        address = host.strip("[]")
        bind = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "config.wsgi",
            "--bind",
            bind,
            "--workers",
            str(workers),
            # No --max-requests: a worker restarting under load makes the requests
            # queued behind it wait for a fresh Django to boot, and empties its
            # local-memory cache.
            "--no-control-socket",
            "--graceful-timeout",
            "10",
            # Any length of request line reaches Django: gunicorn's own limit is
            # at most 8190 bytes and answers with a bare "URI Too Long" of its
            # own, while a long search URL has a page to go to (the query is cut
            # to 200 characters) and beyond config.middleware's cap the 414 is
            # the site's own page.
            "--limit-request-line",
            "0",
        ]
        if settings.TASKS_BACKEND == settings.RQ_BACKEND:
            # Tasks queued in Redis; the scheduler runs the ones queued for later.
            worker = [sys.executable, "manage.py", "rqworker", "default"]
            worker.append("--with-scheduler")
        else:
            worker = [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--no-reload",
            ]
        processes = [
            subprocess.Popen(web, cwd=settings.BASE_DIR),
            subprocess.Popen(worker, cwd=settings.BASE_DIR),
        ]
        self.stdout.write(
            f"Serving {bind} at {settings.SITE_URL}/ with the task worker; "
            "Ctrl-C stops.\n"
            f"Editors log in at {settings.SITE_URL}/admin/ (password: see above)."
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in processes):
                time.sleep(0.5)
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for process in processes:
                try:
                    process.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        failed = [
            p.args[0] for p in processes if p.returncode not in (0, -signal.SIGTERM)
        ]
        if failed and not stopping:
            raise SystemExit(f"stopped because a process exited: {failed}")
        self.stdout.write("Stopped.")
