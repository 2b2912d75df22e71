"""How long a large WordPress import takes, and how much memory it needs.

    .venv/bin/python bench/transfer_import.py                 # 5,000 posts, 100,000 comments
    .venv/bin/python bench/transfer_import.py --posts 500 --comments 10000 --engines sqlite

Generates a WXR file (posts with headings, paragraphs and wpDiscuz meta;
comments threaded up to six deep, with votes), then for each engine: migrates
a fresh database, runs `import_wordpress` in a child process (time and peak
resident memory of that process), and runs it again on the same file (nothing
left to do). PostgreSQL uses `tribune_transfer_bench` at BENCH_PG_URL
(default postgres://postgres@127.0.0.1:5432/tribune_transfer_bench), dropped
and made again. Writes bench/results/transfer-latest.md.
"""  # noqa: E501

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_URL = os.environ.get(
    "BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/tribune_transfer_bench"
)
WORDS = (
    "council budget vote residents street school river market policy report mayor "
    "city housing transport energy water park library hospital police court"
).split()


def say(*parts) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def sentence(rng: random.Random, n: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def generate(path: Path, posts: int, comments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    per_post = [
        comments // posts + (1 if i < comments % posts else 0) for i in range(posts)
    ]
    comment_id = 0
    with open(path, "w", encoding="utf-8") as out:
        w = out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
          'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
          "<title>Bench</title><link>http://bench.example</link>\n"
          "<wp:wxr_version>1.2</wp:wxr_version>\n"
          "<wp:base_blog_url>http://bench.example</wp:base_blog_url>\n")  # fmt: skip
        for n in range(5):
            w(f"<wp:author><wp:author_login>writer{n}</wp:author_login>"
              f"<wp:author_email>writer{n}@bench.example</wp:author_email>"
              f"<wp:author_display_name>Writer {n}</wp:author_display_name></wp:author>\n")  # fmt: skip  # noqa: E501
        for n in range(20):
            w(f"<wp:category><wp:term_id>{n + 1}</wp:term_id><wp:category_nicename>"
              f"section-{n}</wp:category_nicename><wp:cat_name>Section {n}</wp:cat_name>"  # noqa: E501
              "</wp:category>\n")  # fmt: skip
        for p in range(posts):
            post_id = 1000 + p
            body = "".join(
                f"<h2>{sentence(rng, 4)}</h2>\n\n<p>{sentence(rng)} {sentence(rng)}</p>\n\n"  # noqa: E501
                for _ in range(4)
            )
            day = 1 + p % 28
            w("<item>\n")
            w(f"<title>Post {p} {escape(sentence(rng, 5))}</title>\n")
            w(f"<link>http://bench.example/2020/01/post-{p}/</link>\n")
            w(f"<dc:creator>writer{p % 5}</dc:creator>\n")
            w(f"<content:encoded><![CDATA[{body}]]></content:encoded>\n")
            w(f"<excerpt:encoded><![CDATA[{sentence(rng)}]]></excerpt:encoded>\n")
            w(f"<wp:post_id>{post_id}</wp:post_id>\n")
            w(f"<wp:post_date_gmt>2020-01-{day:02d} 10:00:00</wp:post_date_gmt>\n")
            w("<wp:comment_status>open</wp:comment_status>\n")
            w(
                f"<wp:post_name>post-{p}</wp:post_name>\n<wp:status>publish</wp:status>\n"
            )
            w("<wp:post_type>post</wp:post_type>\n")
            w(
                f'<category domain="category" nicename="section-{p % 20}">Section {p % 20}</category>\n'  # noqa: E501
            )
            w("<wp:postmeta><wp:meta_key>wpdiscuz_post_rating</wp:meta_key>"
              "<wp:meta_value>4.2</wp:meta_value></wp:postmeta>\n"
              "<wp:postmeta><wp:meta_key>wpdiscuz_post_rating_count</wp:meta_key>"
              f"<wp:meta_value>{p % 7}</wp:meta_value></wp:postmeta>\n")  # fmt: skip
            ids: list[tuple[int, int]] = []  # (id, depth)
            for _ in range(per_post[p]):
                comment_id += 1
                parent, depth = 0, 0
                if ids and rng.random() < 0.6:
                    parent, parent_depth = rng.choice(ids[-20:])
                    if parent_depth < 6:
                        depth = parent_depth + 1
                    else:
                        parent = 0
                ids.append((comment_id, depth))
                like, dislike = rng.randint(0, 9), rng.randint(0, 3)
                w("<wp:comment>"
                  f"<wp:comment_id>{comment_id}</wp:comment_id>"
                  f"<wp:comment_author>Reader {comment_id % 997}</wp:comment_author>"
                  f"<wp:comment_author_email>reader{comment_id % 997}@bench.example</wp:comment_author_email>"  # noqa: E501
                  f"<wp:comment_date_gmt>2020-01-{day:02d} 12:00:00</wp:comment_date_gmt>"  # noqa: E501
                  f"<wp:comment_content><![CDATA[{sentence(rng, 25)}\n\n{sentence(rng)}]]></wp:comment_content>"  # noqa: E501
                  f"<wp:comment_approved>{'1' if comment_id % 50 else '0'}</wp:comment_approved>"  # noqa: E501
                  f"<wp:comment_parent>{parent}</wp:comment_parent>"
                  "<wp:commentmeta><wp:meta_key>wpdiscuz_votes_seperate</wp:meta_key>"
                  f'<wp:meta_value><![CDATA[a:2:{{s:4:"like";i:{like};s:7:"dislike";i:{dislike};}}]]>'
                  "</wp:meta_value></wp:commentmeta>"
                  "</wp:comment>\n")  # fmt: skip
            w("</item>\n")
        w("</channel>\n</rss>\n")


def timed(args: list[str], env: dict) -> tuple[float, float, str]:
    """Seconds and peak resident MB of a child process, and its last lines."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.monotonic()
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode:
        raise SystemExit(
            f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    # ru_maxrss of the children is the largest child so far: each run is measured
    # in a fresh interpreter (see main), so it is this one's.
    return seconds, max(peak, before) / 1024, done.stdout


def run_engine(engine: str, wxr: Path, work: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("REDIS_URL", None)
    if engine == "sqlite":
        db = work / "bench.sqlite3"
        db.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db}"
    else:
        env["DATABASE_URL"] = PG_URL
        name = PG_URL.rsplit("/", 1)[1]
        base = PG_URL.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(
            ["psql", base, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(["psql", base, "-qc", f"CREATE DATABASE {name}"], check=True)
    env["TRIBUNE_VAR_DIR"] = str(work / f"var-{engine}")
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    command = [PYTHON, str(Path(__file__).resolve()), "--child", str(wxr)]
    first = timed(command, env)
    again = timed(command, env)
    return {"first": first, "again": again}


def child(wxr: str) -> None:
    """One import in this process; prints its time and peak memory."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from io import StringIO

    from django.core.management import call_command

    start = time.monotonic()
    out = StringIO()
    call_command("import_wordpress", wxr, "--no-progress", stdout=out)
    seconds = time.monotonic() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(out.getvalue().split("\n", 12)[:12])
    say(f"RESULT seconds={seconds:.1f} peak_mb={peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    work = Path(tempfile.mkdtemp(prefix="tribune-transfer-bench-"))
    wxr = work / "bench.xml"
    start = time.monotonic()
    generate(wxr, args.posts, args.comments)
    size = wxr.stat().st_size / 1e6
    say(f"generated {args.posts} posts, {args.comments} comments: {size:.0f} MB "
          f"in {time.monotonic() - start:.0f} s")  # fmt: skip
    rows = []
    for engine in args.engines.split(","):
        result = run_engine(engine, wxr, work)
        for label, (_, _, stdout) in (
            ("first", result["first"]),
            ("again", result["again"]),
        ):
            line = [x for x in stdout.splitlines() if x.startswith("RESULT")][-1]
            fields = dict(part.split("=") for part in line.split()[1:])
            rows.append(
                (engine, label, float(fields["seconds"]), float(fields["peak_mb"]))
            )
            say(engine, label, fields)
    lines = [
        "# WordPress import benchmark",
        "",
        f"{args.posts:,} posts, {args.comments:,} comments ({size:.0f} MB WXR), "
        f"{os.cpu_count()} CPUs.",
        "",
        "| engine | run | seconds | peak MB (importing process) |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {e} | {'import' if r == 'first' else 'same file again'} | {s:.1f} | {m:.0f} |"  # noqa: E501
              for e, r, s, m in rows]  # fmt: skip
    out = ROOT / "bench" / "results" / "transfer-latest.md"
    out.write_text("\n".join(lines) + "\n")
    say("\n".join(lines))


if __name__ == "__main__":
    main()
