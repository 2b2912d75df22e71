"""The in-process parts of bench/passages.sh (Django, on the bench's own data dir).

passages_run.py reanchor OUT_JSON [--runs N]
    Builds the 5,000-word article (lib/passages_article.py) with its 500
    passages, then publishes the edited version N times, each in a transaction
    that is rolled back, and once more for good (committed, so what runs after
    the commit runs too). Times save_revision(), publish() and, inside it,
    services.reanchor_passages with its parts (the blocks' text, each
    anchoring.resolve call by how it found the passage, the rest: queries and
    the update). Checks every run: the 450 passages whose words are still there
    are anchored exactly where they now are, and counts how the 50 with a
    changed word came out. Exits non-zero when a check fails.

passages_run.py pages OUT_JSON
    Three articles with the same 5,000-word body, for the page benchmark: one
    without comments ("plain"), one with 500 ordinary comments ("comments") and
    one with 500 passages of one comment each ("passages"); writes their paths
    and, for each, the queries of an uncached anonymous render and the number
    of highlights in it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import passages_article  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from discussion import anchoring, services  # noqa: E402
from discussion import passages as passage_text  # noqa: E402
from discussion.models import Comment, Passage, Thread  # noqa: E402
from newsroom.models import ArticleAuthor, ArticlePage, Author, SectionPage  # noqa: E402


def say(*parts) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


def make_article(slug: str, title: str, body: list[dict]) -> ArticlePage:
    section = SectionPage.objects.get(slug="analysis")
    existing = ArticlePage.objects.child_of(section).filter(slug=slug).first()
    if existing is not None:
        sys.exit(f"{slug} exists already: the bench wants a fresh data dir")
    article = ArticlePage(
        title=title,
        slug=slug,
        standfirst="A long read with many passages that readers commented on.",
        body=body,
    )
    article.article_authors.add(
        ArticleAuthor(author=Author.objects.order_by("pk").first(), sort_order=0)
    )
    section.add_child(instance=article)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def add_passages(article: ArticlePage, specs) -> list[Passage]:
    thread, _ = Thread.objects.get_or_create(article_id=article.pk)
    made = Passage.objects.bulk_create(
        Passage(
            thread=thread,
            revision_id=article.live_revision_id,
            **spec.old,
        )
        for spec in specs
    )
    assert all(p.pk for p in made), "bulk_create gave no primary keys"
    return made


def add_comments(article: ArticlePage, passages: list[Passage] | None, n: int):
    """n top-level guest comments, one on each passage when there are any."""
    thread, _ = Thread.objects.get_or_create(article_id=article.pk)
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(
            thread=thread,
            passage=passages[i] if passages else None,
            guest_name=f"Reader {i}",
            guest_email="reader@example.org",
            reader_key=f"g:bench-{i}",
            body_source=f"Comment {i} on this.",
            body_html=f"<p>Comment {i} on this.</p>",
            body_hash=f"bench-{article.pk}-{i}",
            created_at=now - timezone.timedelta(seconds=n - i),
        )
        for i in range(n)
    )
    if passages:
        Passage.objects.filter(pk__in=[p.pk for p in passages]).update(comment_count=1)
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=n, top_level_count=n, last_comment_at=now
    )


# --- re-anchoring ---------------------------------------------------------------
class Clock:
    """Wraps the functions whose time makes up a publication's re-anchoring."""

    def __init__(self):
        self.reset()
        real_reanchor = services.reanchor_passages
        real_resolve_all = anchoring.resolve_all
        real_block_texts = passage_text.block_texts

        def reanchor(**kwargs):
            t = time.perf_counter()
            try:
                return real_reanchor(**kwargs)
            finally:
                self.times["reanchor"] += time.perf_counter() - t

        def resolve_all(blocks, anchors):
            t = time.perf_counter()
            found = real_resolve_all(blocks, anchors)
            self.times["resolve"] += time.perf_counter() - t
            for f in found:
                how = f.how if f else "orphaned"
                self.counts[how] = self.counts.get(how, 0) + 1
            return found

        def block_texts(body):
            t = time.perf_counter()
            try:
                return real_block_texts(body)
            finally:
                self.times["block texts"] += time.perf_counter() - t

        # The signal handler calls services.reanchor_passages, which calls
        # anchoring.resolve_all and passages.block_texts, all by module attribute.
        services.reanchor_passages = reanchor
        anchoring.resolve_all = resolve_all
        passage_text.block_texts = block_texts
        self.resolve_all = real_resolve_all

    def reset(self):
        self.times = {"reanchor": 0.0, "block texts": 0.0, "resolve": 0.0}
        self.counts: dict[str, int] = {}


def publish_edit(article_pk: int, new_body: list[dict], clock: Clock) -> dict:
    page = ArticlePage.objects.get(pk=article_pk)
    page.body = new_body
    clock.reset()
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        revision = page.save_revision()
        t1 = time.perf_counter()
        revision.publish()
        t2 = time.perf_counter()
    times = dict(clock.times)
    return {
        "save_revision_s": t1 - t0,
        "publish_s": t2 - t1,
        "total_s": t2 - t0,
        "reanchor_s": times["reanchor"],
        "block_texts_s": times["block texts"],
        "resolve_s": times["resolve"],
        "reanchor_rest_s": times["reanchor"] - times["resolve"] - times["block texts"],
        "found": clock.counts,
        "queries": len(queries.captured_queries),
    }


def resolve_by_kind(article, page_pk: int, clock: Clock, repeat: int = 5) -> dict:
    """anchoring.resolve_all alone (best of `repeat`): evening out the blocks'
    text (no anchors), then each kind of passage on its own, less that."""
    blocks = passage_text.block_texts(ArticlePage.objects.get(pk=page_pk).body)

    def best(anchors) -> float:
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            clock.resolve_all(blocks, anchors)
            times.append(time.perf_counter() - t)
        return min(times)

    out = {"normalise blocks": best([])}
    kinds: dict[str, list] = {}
    for spec in article.passages:
        kinds.setdefault(spec.kind, []).append(anchoring.Anchor(**spec.old))
    for kind, anchors in kinds.items():
        out[f"{kind} ({len(anchors)})"] = max(
            0.0, best(anchors) - out["normalise blocks"]
        )
    out["all 500"] = best([a for group in kinds.values() for a in group])
    return out


def check(article, passages: list[Passage]) -> dict:
    """Where each passage is now, against where its words are."""
    now = {p.pk: p for p in Passage.objects.filter(pk__in=[p.pk for p in passages])}
    by_kind: dict[str, dict[str, int]] = {}
    wrong = []
    for spec, passage in zip(article.passages, passages, strict=True):
        p = now[passage.pk]
        got = {"exact": p.exact, "block_id": p.block_id, "offset": p.offset}
        if p.state != Passage.State.ANCHORED:
            outcome = "orphaned"
        elif got == spec.new:
            outcome = "where its words are"
        elif p.block_id == spec.new["block_id"] and abs(
            p.offset - spec.new["offset"]
        ) < len(spec.new["exact"]):
            outcome = "overlapping its words"
        else:
            outcome = "elsewhere"
        by_kind.setdefault(spec.kind, {}).setdefault(outcome, 0)
        by_kind[spec.kind][outcome] += 1
        if spec.kind != "approximate" and outcome != "where its words are":
            wrong.append(
                {"kind": spec.kind, "outcome": outcome, "want": spec.new, "got": got}
            )
    return {"by_kind": by_kind, "wrong": wrong[:10], "wrong_count": len(wrong)}


class Rollback(Exception):
    pass


def reanchor(out: Path, runs: int) -> int:
    t = time.perf_counter()
    article = passages_article.build()
    built_s = time.perf_counter() - t
    page = make_article("five-thousand-words", "Five thousand words", article.old_body)
    passages = add_passages(page, article.passages)
    add_comments(page, passages, len(passages))
    clock = Clock()
    results, checks = [], []
    for _ in range(runs):
        try:
            with transaction.atomic():
                results.append(publish_edit(page.pk, article.new_body, clock))
                checks.append(check(article, passages))
                raise Rollback
        except Rollback:
            pass
    committed = publish_edit(page.pk, article.new_body, clock)
    committed_check = check(article, passages)
    blocks = passage_text.block_texts(ArticlePage.objects.get(pk=page.pk).body)
    by_kind = resolve_by_kind(article, page.pk, clock)
    report = {
        "article": {
            "words": article.words,
            "paragraphs": article.paragraphs,
            "blocks_before": len(article.old_body),
            "blocks_after": len(article.new_body),
            "text_blocks_after": len(blocks),
            "characters": sum(len(t) for t in blocks.values()),
            "passages": len(passages),
            "kinds": article.kinds(),
            "edits": article.edits,
            "built_s": built_s,
            "path": page.url_path,
        },
        "runs": results,
        "checks": checks,
        "committed": committed,
        "committed_check": committed_check,
        "resolve_by_kind_s": by_kind,
    }
    out.write_text(json.dumps(report, indent=1))
    totals = [r["total_s"] for r in results]
    say(
        f"publish with re-anchoring, {runs} rolled-back runs: total median "
        f"{statistics.median(totals):.3f} s (reanchor "
        f"{statistics.median(r['reanchor_s'] for r in results):.3f} s); committed run "
        f"{committed['total_s']:.3f} s (reanchor {committed['reanchor_s']:.3f} s)"
    )
    failed = [c for c in [*checks, committed_check] if c["wrong_count"]]
    for c in failed[:1]:
        say(
            "passages whose words are there but were not found there:", c["wrong_count"]
        )
        for w in c["wrong"]:
            say("  ", w)
    say("outcome by kind (committed run):", json.dumps(committed_check["by_kind"]))
    return 1 if failed else 0


# --- the page benchmark's articles -----------------------------------------------
def pages(out: Path) -> int:
    from django.core.cache import cache
    from django.test import Client

    article = passages_article.build()
    body = article.old_body
    plain = make_article(
        "plain-five-thousand-words", "Five thousand words, plain", body
    )
    comments = make_article(
        "commented-five-thousand-words", "Five thousand words, comments", body
    )
    marked = make_article(
        "marked-five-thousand-words", "Five thousand words, passages", body
    )
    add_comments(comments, None, len(article.passages))
    add_comments(marked, add_passages(marked, article.passages), len(article.passages))

    client = Client()
    rows = {}
    for name, page in (("plain", plain), ("comments", comments), ("passages", marked)):
        page = ArticlePage.objects.get(pk=page.pk)
        path = page.get_url()
        client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, HTTP_COOKIE="tribune_recent=1")
        html = response.content.decode()
        rows[name] = {
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries.captured_queries),
            # one per passage marked (its first <mark> has the id), and every
            # <mark> (a passage across a link or italics takes two or more)
            "highlights": len(
                re.findall(r'<mark class="passage"[^>]* id="passage-', html)
            ),
            "mark_elements": html.count('<mark class="passage"'),
        }
    ok = all(r["status"] == 200 for r in rows.values())
    for name, row in rows.items():
        say(name, row)
    rows["render_cpu_ms"] = render_cpu(client, {n: r["path"] for n, r in rows.items()})
    rows["highlight_cpu_ms"] = highlight_cpu(marked.pk)
    say("render CPU ms:", json.dumps(rows["render_cpu_ms"]))
    say("highlights CPU ms:", json.dumps(rows["highlight_cpu_ms"]))
    out.write_text(json.dumps(rows, indent=1))
    return 0 if ok else 1


def cpu_ms(work, n: int = 30) -> dict:
    """CPU time of `work` (process time, so other load on the box counts less)."""
    times = []
    for _ in range(n):
        t = time.process_time()
        work()
        times.append((time.process_time() - t) * 1000)
    return {"median": statistics.median(times), "min": min(times), "n": n}


def render_cpu(client, paths: dict[str, str], n: int = 30) -> dict:
    """Each page rendered past the page cache, in turn, n times: CPU ms."""
    times: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(n):
        for name, path in paths.items():
            t = time.process_time()
            client.get(path, HTTP_COOKIE="tribune_recent=1")
            times[name].append((time.process_time() - t) * 1000)
    return {
        name: {"median": statistics.median(t), "min": min(t), "n": n}
        for name, t in times.items()
    }


def highlight_cpu(article_pk: int) -> dict:
    """What marking the passages costs a render: the hook's query, and marking
    every block (with the counts), and the counts alone."""
    from discussion.wagtail_hooks import passage_count, passages_in_body

    page = ArticlePage.objects.get(pk=article_pk)
    blocks = [(block, block.render()) for block in page.body]
    rewrite = passages_in_body(page)
    found = list(
        Passage.objects.filter(thread__article_id=article_pk, comment_count__gt=0)
    )
    return {
        "query (passages_in_body)": cpu_ms(lambda: passages_in_body(page)),
        "mark every block (mark_passages)": cpu_ms(
            lambda: [rewrite(block, html) for block, html in blocks]
        ),
        "of which the counts (passage_count)": cpu_ms(
            lambda: [str(passage_count(p)) for p in found]
        ),
        "of which the blocks' text (text_of)": cpu_ms(
            lambda: [passage_text.text_of(html) for _, html in blocks]
        ),
        "the body's blocks rendered": cpu_ms(
            lambda: [block.render() for block in page.body]
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["reanchor", "pages"])
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.what == "reanchor":
        return reanchor(args.out, args.runs)
    return pages(args.out)


if __name__ == "__main__":
    sys.exit(main())
