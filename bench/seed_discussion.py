#!/usr/bin/env python
"""Loads the shared harness's generated threads into Tribune, one article per thread.

Usage (from the project root, with the server's environment, e.g. TRIBUNE_VAR_DIR):
    .venv/bin/python bench/seed_discussion.py [--analyze] NAME=FILE.jsonl [...]
e.g. t1000=$WORK/seed/t1000.jsonl post=$WORK/seed/t10.jsonl  (WORK: the harness dir)

Input: the JSONL of the harness's lib/gen_thread.py (one comment a line, in creation
order: idx, parent (idx or null, may be a reply), author, email, website,
remote_addr, text, created, likes, dislikes).

For each NAME it makes (or, on a rerun, empties and reuses) one published ArticlePage
under the demo's "analysis" section: "Bench thread <NAME>", slug "bench-<NAME>",
comments on, first published 30 days ago (open, and off the home page's blocks). Its
standfirst, body, image and authors are the flagship's, so the page differs from the
flagship only by its discussion.

Comments are bulk-inserted with explicit primary keys (replies to replies keep their
parent, root and depth), rendered once with discussion.markup.render, and every
counter is set as discussion.services.post_comment would leave it: reply_count,
descendant_count (on roots), Thread.comment_count / top_level_count /
last_comment_at. Votes are seeded as counters (up, down, score) only.

--analyze runs SQLite's ANALYZE afterwards (off by default; see bench/README.md).

Prints JSON {NAME: {"article_id", "url", "comments", "top_level", "replies",
"first_ids", "seconds"}} on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.core.validators import URLValidator  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.network import ip_hash  # noqa: E402
from demo import content as demo  # noqa: E402
from discussion import markup  # noqa: E402
from discussion.models import Comment, Thread  # noqa: E402
from newsroom.models import ArticleAuthor, ArticlePage, SectionPage  # noqa: E402
from newsroom.services import article_scope  # noqa: E402
from pagecache.generations import PAGES, bump  # noqa: E402

BATCH = 1000
PUBLISHED_DAYS_AGO = 30
_url_ok = URLValidator(schemes=["http", "https"])


def valid_website(value: str | None) -> str:
    value = (value or "").strip()
    if not value or len(value) > 300:
        return ""
    try:
        _url_ok(value)
    except ValidationError:
        return ""
    return value


def article_for(name: str, section: SectionPage, model: ArticlePage) -> ArticlePage:
    """The bench article for `name`: created and published once, reused after."""
    slug = f"bench-{name}"
    article = ArticlePage.objects.child_of(section).filter(slug=slug).first()
    label = name[1:] if name[:1] == "t" and name[1:].isdigit() else name
    if article is None:
        article = ArticlePage(
            title=f"Bench thread {label}",
            slug=slug,
            standfirst=model.standfirst,
            featured_image=model.featured_image,
            featured_image_alt=model.featured_image_alt,
            featured_image_caption=model.featured_image_caption,
            featured_image_credit=model.featured_image_credit,
            body=model.body.raw_data,
            comments_enabled=True,
            comments_closed=False,
        )
        for order, link in enumerate(model.article_authors.all()):
            article.article_authors.add(
                ArticleAuthor(author_id=link.author_id, sort_order=order)
            )
        section.add_child(instance=article)
        article.save_revision().publish()
    published = timezone.now().replace(microsecond=0) - timedelta(
        days=PUBLISHED_DAYS_AGO
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=published,
        last_published_at=published,
        comments_enabled=True,
        comments_closed=False,
    )
    return ArticlePage.objects.get(pk=article.pk)


def load_thread(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def seed(name: str, path: str, section: SectionPage, model: ArticlePage) -> dict:
    started = time.perf_counter()
    rows = load_thread(path)
    article = article_for(name, section, model)
    hashes: dict[str, str] = {}
    with transaction.atomic():
        # Rerun: drop the old discussion (comments and votes cascade with the thread).
        Thread.objects.filter(article_id=article.pk).delete()
        base = Comment.objects.aggregate(m=Max("id"))["m"] or 0
        pk: dict[int, int] = {}
        depth: dict[int, int] = {}
        root: dict[int, int | None] = {}  # idx -> root idx (None for a top-level one)
        replies: dict[int, int] = {}  # idx -> direct replies
        descendants: dict[int, int] = {}  # root idx -> all replies under it
        for c in rows:
            idx, parent = c["idx"], c["parent"]
            pk[idx] = base + idx
            if parent is None:
                depth[idx], root[idx] = 0, None
            else:
                if parent not in pk:
                    raise SystemExit(
                        f"{path}: comment {idx} replies to unknown {parent}"
                    )
                depth[idx] = depth[parent] + 1
                root[idx] = root[parent] or parent
                replies[parent] = replies.get(parent, 0) + 1
                descendants[root[idx]] = descendants.get(root[idx], 0) + 1
        last = max((c["created"] for c in rows), default=None)
        thread = Thread.objects.create(
            article_id=article.pk,
            comment_count=len(rows),
            top_level_count=sum(1 for c in rows if c["parent"] is None),
            version=1,
            last_comment_at=datetime.fromtimestamp(last, UTC) if last else None,
        )
        batch: list[Comment] = []
        for c in rows:
            idx, parent, text = c["idx"], c["parent"], c["text"]
            addr = c.get("remote_addr") or ""
            if addr not in hashes:
                hashes[addr] = ip_hash(addr) if addr else ""
            likes, dislikes = int(c.get("likes") or 0), int(c.get("dislikes") or 0)
            batch.append(
                Comment(
                    id=pk[idx],
                    thread_id=thread.pk,
                    parent_id=pk[parent] if parent is not None else None,
                    root_id=pk[root[idx]] if root[idx] is not None else None,
                    depth=depth[idx],
                    guest_name=(c.get("author") or "Guest")[:50],
                    guest_email=c.get("email") or "bench@example.org",
                    guest_website=valid_website(c.get("website")),
                    reader_key=f"g:bench{idx}",
                    ip_hash=hashes[addr],
                    body_source=text,
                    body_html=markup.render(text),
                    body_hash=markup.fingerprint(text),
                    state=Comment.State.PUBLISHED,
                    is_deleted=False,
                    up=likes,
                    down=dislikes,
                    score=likes - dislikes,
                    reply_count=replies.get(idx, 0),
                    descendant_count=descendants.get(idx, 0) if parent is None else 0,
                    created_at=datetime.fromtimestamp(c["created"], UTC),
                )
            )
            if len(batch) >= BATCH:
                Comment.objects.bulk_create(batch)
                batch = []
        if batch:
            Comment.objects.bulk_create(batch)
        # Explicit ids: make the id sequence continue after them (PostgreSQL needs this;
        # SQLite's AUTOINCREMENT table follows inserted ids by itself).
        for sql in connection.ops.sequence_reset_sql(no_style(), [Comment]):
            with connection.cursor() as cursor:
                cursor.execute(sql)
        bump(article_scope(article.pk), PAGES)  # once the rows commit
    first = sorted(pk)[:10]
    return {
        "article_id": article.pk,
        "url": urlsplit(article.url or "").path,
        "comments": len(rows),
        "top_level": thread.top_level_count,
        "replies": len(rows) - thread.top_level_count,
        "max_depth": max(depth.values(), default=0),
        "first_ids": [pk[i] for i in first],
        "seconds": round(time.perf_counter() - started, 2),
    }


def verify(name: str, info: dict) -> None:
    """Counters must equal what the rows say (the same rule post_comment keeps)."""
    thread = Thread.objects.get(article_id=info["article_id"])
    comments = Comment.objects.filter(thread=thread)
    assert thread.comment_count == comments.count(), name
    assert thread.top_level_count == comments.filter(parent__isnull=True).count(), name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM discussion_comment c WHERE c.thread_id = %s AND "
            "c.reply_count != "
            "(SELECT count(*) FROM discussion_comment r WHERE r.parent_id = c.id)",
            [thread.pk],
        )
        assert cursor.fetchone()[0] == 0, f"{name}: reply_count mismatch"
        cursor.execute(
            "SELECT count(*) FROM discussion_comment c WHERE c.thread_id = %s"
            " AND c.parent_id IS NULL AND c.descendant_count != "
            "(SELECT count(*) FROM discussion_comment r WHERE r.root_id = c.id)",
            [thread.pk],
        )
        assert cursor.fetchone()[0] == 0, f"{name}: descendant_count mismatch"


def main(argv: list[str]) -> None:
    analyze = "--analyze" in argv
    pairs = [a.split("=", 1) for a in argv[1:] if a != "--analyze"]
    if not pairs or any(len(p) != 2 or not p[0] for p in pairs):
        raise SystemExit(__doc__)
    section = SectionPage.objects.filter(slug="analysis").first()
    if section is None:
        raise SystemExit("no 'analysis' section: run manage.py load_demo_site first")
    model = ArticlePage.objects.filter(slug=demo.ARTICLES[0]["slug"]).first()
    if model is None:
        raise SystemExit("no demo flagship article: run manage.py load_demo_site first")
    out = {}
    for name, path in pairs:
        out[name] = seed(name, path, section, model)
        verify(name, out[name])
        sys.stderr.write(
            f"seeded {name}: {out[name]['comments']} comments "
            f"({out[name]['top_level']} top-level) in {out[name]['seconds']} s -> "
            f"{out[name]['url']}\n"
        )
    if analyze and connection.vendor == "sqlite":
        # Off by default: a Tribune deployment does not run ANALYZE by itself.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        sys.stderr.write("ran ANALYZE\n")
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main(sys.argv)
