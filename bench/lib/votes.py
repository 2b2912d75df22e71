"""Steady vote traffic for bench/votes.sh (stdlib only, 127.0.0.1 only).

  python3 bench/lib/votes.py ids PAGE_URL
      prints the comment ids on the page (elements with data-comment-id),
      comma-separated
  python3 bench/lib/votes.py run BASE_URL IDS --rate 50 --seconds 13 --out stats.json
      POSTs /discussion/comments/<id>/vote/ (direction=up, down, up, ... round the
      ids) at a fixed rate for a fixed time, each from a new guest (no cookie is ever
      sent, so every vote is a new reader's and counts), with Origin: BASE_URL and
      X-Requested-With: fetch (as the site's script sends them). Open loop: vote n is
      sent at start + n / rate whatever the earlier ones are doing, from a pool of
      threads; if every thread is still waiting for an answer, the vote is counted as
      `skipped` instead of queued. Writes the counts by HTTP status, errors, the rate
      achieved and the response times as JSON.

Bounded: at most rate x seconds votes, --seconds at most 600, each request times out
after --timeout seconds; SIGTERM/SIGINT stops sending and still writes the stats.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def loopback(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK:
        sys.exit(f"refusing non-loopback URL: {url}")
    return parts.hostname, parts.port or 80


def comment_ids(page_url: str) -> list[int]:
    host, port = loopback(page_url)
    parts = urlsplit(page_url)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = conn.getresponse()
        html = response.read().decode("utf-8", "replace")
    finally:
        conn.close()
    if response.status != 200:
        sys.exit(f"GET {page_url} answered {response.status}")
    ids: list[int] = []
    for found in re.findall(r'data-comment-id="(\d+)"', html):
        if int(found) not in ids:
            ids.append(int(found))
    return ids


def run(
    base: str, ids: list[int], rate: float, seconds: float, timeout: float, threads: int
) -> dict:
    host, port = loopback(base)
    origin = base.rstrip("/")
    stop = threading.Event()
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    times_ms: list[float] = []
    in_flight = 0

    def one(n: int) -> None:
        nonlocal in_flight
        comment = ids[n % len(ids)]
        body = urlencode({"direction": "up" if (n // len(ids)) % 2 == 0 else "down"})
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
            try:
                conn.request(
                    "POST",
                    f"/discussion/comments/{comment}/vote/",
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": origin,
                        "X-Requested-With": "fetch",
                    },
                )
                response = conn.getresponse()
                response.read()
                key = str(response.status)
            finally:
                conn.close()
        except Exception as error:  # counted, never raised: the loop must go on
            with lock:
                errors[type(error).__name__] += 1
                in_flight -= 1
            return
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            statuses[key] += 1
            times_ms.append(elapsed)
            in_flight -= 1

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())

    total = int(rate * seconds)
    sent = skipped = 0
    pool = ThreadPoolExecutor(max_workers=threads)
    start = time.monotonic()
    for n in range(total):
        due = start + n / rate
        delay = due - time.monotonic()
        if delay > 0 and stop.wait(delay):
            break
        if stop.is_set():
            break
        with lock:
            busy = in_flight >= threads
            if not busy:
                in_flight += 1
        if busy:
            skipped += 1
            continue
        pool.submit(one, n)
        sent += 1
    sending_s = time.monotonic() - start
    pool.shutdown(wait=True)  # each request is bounded by `timeout`
    ordered = sorted(times_ms)

    def pct(q: float) -> float | None:
        if not ordered:
            return None
        index = min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))
        return round(ordered[index], 1)

    return {
        "base": origin,
        "comment_ids": ids,
        "rate_asked": rate,
        "seconds_asked": seconds,
        "sending_seconds": round(sending_s, 2),
        "stopped_early": stop.is_set(),
        "sent": sent,
        "skipped": skipped,
        "statuses": dict(sorted(statuses.items())),
        "errors": dict(sorted(errors.items())),
        "ok": statuses.get("200", 0),
        # n votes span (n - 1) intervals of 1 / rate: add the last interval
        "sent_per_second": round(sent / (sending_s + 1 / rate), 1),
        "ms_p50": pct(50),
        "ms_p99": pct(99),
        "ms_max": round(ordered[-1], 1) if ordered else None,
        "ms_mean": round(statistics.fmean(ordered), 1) if ordered else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_ids = sub.add_parser("ids")
    p_ids.add_argument("page_url")
    p_run = sub.add_parser("run")
    p_run.add_argument("base_url")
    p_run.add_argument("ids", help="comment ids, comma-separated")
    p_run.add_argument("--rate", type=float, default=50.0, help="votes per second")
    p_run.add_argument("--seconds", type=float, default=10.0)
    p_run.add_argument("--timeout", type=float, default=10.0, help="s per request")
    p_run.add_argument("--threads", type=int, default=256, help="in flight at most")
    p_run.add_argument("--out", help="also write the stats (JSON) here")
    args = parser.parse_args()
    if args.command == "ids":
        ids = comment_ids(args.page_url)
        if not ids:
            sys.exit(f"no data-comment-id on {args.page_url}")
        sys.stdout.write(",".join(map(str, ids)) + "\n")
        return
    ids = [int(x) for x in args.ids.split(",") if x.strip()]
    if not ids:
        sys.exit("no comment ids")
    if not (
        0 < args.rate <= 1000 and 0 < args.seconds <= 600 and 0 < args.threads <= 512
    ):
        sys.exit("--rate must be in (0, 1000], --seconds (0, 600], --threads (0, 512]")
    stats = run(args.base_url, ids, args.rate, args.seconds, args.timeout, args.threads)
    text = json.dumps(stats, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
