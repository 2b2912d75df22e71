"""SQL queries per page for bench/run.sh: Django's test client, same database.

Usage: .venv/bin/python bench/lib/query_counts.py HOST:PORT PATH [PATH ...]
Prints TSV rows: path, status, queries, in-process ms, bytes, distinct query shapes,
the most repeated query shape and how often it ran (a hint of N+1 patterns). Each
path is requested twice; the second, warm request is the one reported (the first
fills per-process caches).
"""

import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def shape(sql: str) -> str:
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    sql = re.sub(r"IN \([?, ]+\)", "IN (…)", sql)
    return " ".join(sql.split())


def main() -> None:
    host, paths = sys.argv[1], sys.argv[2:]
    client = Client(HTTP_HOST=host)
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        shapes = Counter(shape(q["sql"]) for q in ctx.captured_queries)
        top, top_n = shapes.most_common(1)[0] if shapes else ("", 0)
        sys.stdout.write(
            "\t".join(
                [
                    path,
                    str(response.status_code),
                    str(len(ctx.captured_queries)),
                    f"{elapsed:.1f}",
                    str(len(response.content)),
                    str(len(shapes)),
                    str(top_n),
                    top[:160].replace("\t", " "),
                ]
            )
            + "\n"
        )
        for sql, n in shapes.most_common(5):
            sys.stderr.write(f"{path}: {n}x {sql[:300]}\n")


if __name__ == "__main__":
    main()
