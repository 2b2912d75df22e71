#!/usr/bin/env python
"""How long the moderation pipeline takes per comment, with 10,000 phrases.

Usage (from the project root):
    .venv/bin/python bench/moderation_pipeline.py [--runs 300] [--phrases 10000]

Works in a database of its own (a temporary TRIBUNE_VAR_DIR: migrated, with the
starter lists, the demo's four authors and enough made-up phrases to reach
--phrases), so it never touches var/. The offensive-language model is loaded and
the matchers are compiled before timing starts, as in a worker that has served a
comment already. Each run checks a fresh `Submission` (nothing cached on it)
with 200 recent comments to compare with, and every check of `CHECKS` except
the outside one, which is off by default.

Prints p50, p99 and max in milliseconds, per kind of comment: 5,000 characters
of ordinary prose, 5,000 characters with links and abuse in them (every check
has something to find), and a 300-character comment.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROSE = (
    "The court in Lahore adjourned the hearing again, and the families of the "
    "accused waited outside for a fourth day. Lawyers for the defence say the "
    "complaint was filed after a dispute over land, and that the police added "
    "the blasphemy charge under pressure from a crowd. The provincial government "
    "promised protection for the Christian neighbourhood but residents told our "
    "reporter that only two officers were posted there at night. Human rights "
    "groups have documented dozens of similar cases since 2010. "
)
ABUSE = (
    "These refugees are vermin and the author is a pathetic clown. See "
    "https://reuters.co/world and https://example.org/x and bit.ly/abc, or "
    "write to me at spam@example.org. "
)


def comment(kind: str, rng: random.Random) -> str:
    sentences = PROSE.split(". ")
    parts = []
    length = 300 if kind == "short" else 5000
    while sum(len(p) + 1 for p in parts) < length:
        sentence = rng.choice(sentences)
        # A word or two made up per sentence, so that no two comments are alike.
        sentence += " " + "".join(rng.choices(string.ascii_lowercase, k=7))
        parts.append(sentence + ".")
    if kind == "abusive":
        parts.insert(len(parts) // 2, ABUSE)
    return " ".join(parts)[:length]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--phrases", type=int, default=10_000)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="also write a cProfile of the timed checks (pstats format) to FILE",
    )
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tribune-moderation-bench-")
    os.environ["TRIBUNE_VAR_DIR"] = work
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from moderation.lists import current_lists, impersonation_matcher
    from moderation.models import Phrase, lists_changed
    from moderation.offensive import scorer
    from moderation.pipeline import CHECKS, Submission, check_outside, run_checks
    from newsroom.models import Author

    call_command("migrate", verbosity=0)
    for name in ("Noor Halvorsen", "Tomasz Wierzbicki", "Zoë Marchetti", "Elias"):
        Author.objects.create(name=name, slug=name.split()[0].lower())
    rng = random.Random(2026)
    missing = args.phrases - Phrase.objects.count()
    Phrase.objects.bulk_create(
        Phrase(
            text=" ".join(
                "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))
                for _ in range(rng.randint(1, 3))
            )
            + f" {n}",
            action=rng.choice(["hold", "reject"]),
        )
        for n in range(max(missing, 0))
    )
    lists_changed()

    started = time.perf_counter()
    scorer()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    lists = current_lists()
    impersonation_matcher()
    compiled = time.perf_counter() - started

    # Other readers' comments: the same kind of prose, words reversed, so that
    # none is a near copy of the comments timed.
    recent = [comment("short", rng)[::-1] for _ in range(200)]
    checks = [check for check in CHECKS if check is not check_outside]
    profiler = cProfile.Profile() if args.profile else None
    out = sys.stdout
    out.write(
        f"phrases: {lists.phrases.size:,}  model loaded in {loaded:.2f} s  "
        f"lists compiled in {compiled:.2f} s  runs: {args.runs} per kind\n"
        f"{'comment':34} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}  verdict\n"
    )
    for kind, label in (
        ("prose", "5,000 characters, ordinary"),
        ("abusive", "5,000 characters, abuse and links"),
        ("short", "300 characters, ordinary"),
    ):
        bodies = [comment(kind, rng) for _ in range(args.runs + 10)]
        times = []
        for n, body in enumerate(bodies):
            submission = Submission(body=body, name="Amina", recent_bodies=recent)
            started = time.perf_counter()
            with profiler if profiler and n >= 10 else contextlib.nullcontext():
                outcome = run_checks(submission, checks)
            if n >= 10:  # the first few warm up Python's own caches
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p50 = statistics.median(times)
        p99 = times[min(len(times) - 1, round(len(times) * 0.99) - 1)]
        out.write(
            f"{label:34} {p50:7.2f} {p99:7.2f} {times[-1]:7.2f}  {outcome.verdict}\n"
        )
    if profiler:
        profiler.dump_stats(args.profile)


if __name__ == "__main__":
    main()
