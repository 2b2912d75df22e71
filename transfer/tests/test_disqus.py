"""import_disqus: threads matched by URL (directly, through the WordPress
redirects, after --map), posts threaded, deleted and spam kept out of view."""

from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.tests.fixtures import make_user
from discussion.models import Comment, Thread
from newsroom.models import ArticlePage
from transfer.models import Imported
from transfer.tests.test_wordpress import WPDISCUZ, run

DISQUS = Path(__file__).parent / "data" / "disqus.xml"
MAP = "http://blog.old.example/site/=http://old.example/"


def disqus(*args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.json"
        call_command(
            "import_disqus", str(DISQUS), "--report-json", str(path), "--no-progress",
            *args, stdout=StringIO(),
        )  # fmt: skip
        return json.loads(path.read_text())


@pytest.fixture
def wordpress_site(home_page):
    make_user(email="mary@example.org", display_name="Mary M")
    run(WPDISCUZ)
    return ArticlePage.objects.get(title="Council votes on the budget")


def test_disqus_threads_join_the_imported_articles(wordpress_site):
    before = Comment.objects.filter(thread__article=wordpress_site).count()
    report = disqus("--map", MAP)
    kinds = report["kinds"]
    assert kinds["thread"]["found"] == 3 and kinds["thread"]["imported"] == 2
    assert kinds["post"]["found"] == 7
    assert kinds["post"]["imported"] == 6
    assert kinds["post"]["skipped_why"] == {"their thread matched no article": 1}
    assert report["unmatched"] == ["http://old.example/2019/01/long-gone/ (1 posts)"]
    council = Comment.objects.filter(thread__article=wordpress_site)
    assert council.count() == before + 5
    first = council.get(body_source="From Disqus: a first comment.")
    reply = council.get(body_source__startswith="An anonymous reply")
    deeper = council.get(body_source="A reply to the reply.")
    assert reply.parent == first and deeper.parent == reply and deeper.root == first
    assert reply.guest_email == "" and reply.guest_name == "Guest"
    assert "<script" not in reply.body_html and "javascript:" not in reply.body_html
    assert deeper.user.email == "mary@example.org"
    deleted = council.get(guest_name="Deleter")
    assert deleted.is_deleted and deleted.body_html == ""
    assert council.get(guest_name="Spam Bot").state == "spam"
    thread = Thread.objects.get(article=wordpress_site)
    assert thread.comment_count == 8 + 3  # wpDiscuz's published ones and Disqus's
    about = ArticlePage.objects.get(title="About us")
    assert Comment.objects.filter(thread__article=about).count() == 1


def test_without_the_map_the_renamed_host_matches_nothing(wordpress_site):
    report = disqus()
    assert report["kinds"]["thread"]["imported"] == 1
    assert len(report["unmatched"]) == 2


def test_importing_the_disqus_file_again_changes_nothing(wordpress_site):
    disqus("--map", MAP)
    before = (Comment.objects.count(), Imported.objects.count())
    report = disqus("--map", MAP)
    assert (Comment.objects.count(), Imported.objects.count()) == before
    assert report["kinds"]["post"]["skipped_why"]["already imported"] == 6


def test_a_dry_run_stores_nothing(wordpress_site):
    before = Comment.objects.count()
    report = disqus("--dry-run", "--map", MAP)
    assert Comment.objects.count() == before
    assert report["kinds"]["post"]["imported"] == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<disqus><post>", "not well-formed XML at line 1"),
        ('<?xml version="1.0"?><rss><channel/></rss>', "not a Disqus export"),
        (
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><disqus>&a;</disqus>',  # noqa: E501
            "refused",
        ),
    ],
    ids=["truncated", "a WordPress file", "entities"],
)
def test_a_bad_disqus_file_is_refused(wordpress_site, tmp_path, content, message):
    path = tmp_path / "d.xml"
    path.write_text(content)
    before = Comment.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("import_disqus", str(path), "--no-progress")
    assert message in str(refused.value)
    assert Comment.objects.count() == before


def test_a_bad_map_is_refused(wordpress_site):
    with pytest.raises(CommandError):
        call_command("import_disqus", str(DISQUS), "--map", "no-equals-sign")


def test_posts_stored_in_small_batches_keep_their_threading(
    wordpress_site, monkeypatch
):
    """Posts are held in memory only a batch at a time: a reply whose parent was
    stored by an earlier batch still answers it."""
    from transfer import disqus as disqus_module

    monkeypatch.setattr(disqus_module, "BATCH", 1)

    report = disqus("--map", MAP)

    assert report["kinds"]["post"]["imported"] == 6
    council = Comment.objects.filter(thread__article=wordpress_site)
    first = council.get(body_source="From Disqus: a first comment.")
    reply = council.get(body_source__startswith="An anonymous reply")
    deeper = council.get(body_source="A reply to the reply.")
    assert reply.parent == first and deeper.parent == reply and deeper.root == first
    assert "replies whose parent is not in the file: made top-level" not in (
        report.get("notes") or {}
    )
    thread = Thread.objects.get(article=wordpress_site)
    assert (
        thread.comment_count
        == council.filter(state="published", is_deleted=False).count()
    )
