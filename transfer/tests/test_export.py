"""export_site, and the round trip: export, import into an empty site, export
again, and the two exports say the same."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.images import get_image_model

from discussion.models import Comment, Passage
from newsroom.models import ArticlePage, Author, SectionPage
from ratings.models import RatingSummary
from subscriptions import transfer as subscriptions_transfer
from subscriptions.models import Address, Event, Subscription
from transfer.models import Imported
from transfer.tests.roundtrip import normalised
from transfer.tests.test_wordpress import WPDISCUZ, media_dir, run  # noqa: F401


@pytest.fixture
def site(home_page, media_dir):  # noqa: F811
    run(WPDISCUZ, "--media-dir", str(media_dir))
    article = ArticlePage.objects.get(title="Council votes on the budget")
    subscriptions_transfer.import_subscription(
        email="follower@example.org",
        topic=f"article:{article.pk}",
        frequency="instant",
        confirmed_at=timezone.now(),
    )
    Subscription.objects.create(
        address=Address.objects.create(email="unconfirmed@example.org"), topic="site"
    )
    return article


def empty_the_site() -> None:
    for section in SectionPage.objects.all():
        section.delete()
    Author.objects.all().delete()
    get_image_model().objects.all().delete()
    Imported.objects.all().delete()
    Subscription.objects.all().delete()
    Address.objects.all().delete()
    assert ArticlePage.objects.count() == Comment.objects.count() == 0


def export(folder: Path) -> Path:
    call_command("export_site", str(folder), stdout=StringIO())
    return folder


def test_the_export_holds_everything_in_documented_files(site, tmp_path):
    folder = export(tmp_path / "out")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "tribune-export" and manifest["version"] == 1
    assert manifest["files"]["articles"] == 6
    assert manifest["files"]["comments"] == 11
    assert manifest["files"]["passages"] == 2
    assert manifest["files"]["subscriptions"] == 1  # the confirmed one only
    articles = {
        a["title"]: a
        for a in map(json.loads, (folder / "articles.jsonl").read_text().splitlines())
    }
    council = articles["Council votes on the budget"]
    assert council["status"] == "live"
    assert council["ratings"]["count"] == 8
    assert council["body"][0]["type"] == "heading"
    assert "<h2>What happened</h2>" in council["body_html"]
    assert articles["Coming soon"]["status"] == "scheduled"
    assert articles["Half written"]["status"] == "draft"
    assert articles["Protected"]["password"] == "letmein"
    comments = [
        json.loads(x) for x in (folder / "comments.jsonl").read_text().splitlines()
    ]
    first = next(c for c in comments if c["body_source"].startswith("First!"))
    assert (first["up"], first["down"]) == (5, 2)
    assert {c["state"] for c in comments} == {"published", "pending", "spam", "removed"}
    assert (folder / "media").is_dir() and any((folder / "media").iterdir())


def test_export_refuses_a_folder_that_is_not_empty(site, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError):
        call_command("export_site", str(tmp_path / "x"))
    assert [p.name for p in (tmp_path / "x").iterdir()] == ["keep.txt"]


def test_a_site_exported_and_imported_into_an_empty_site_is_the_same(site, tmp_path):
    first = export(tmp_path / "first")
    empty_the_site()
    out = StringIO()
    call_command("import_site", str(first), stdout=out)
    assert Event.objects.filter(kind="article.published").count() == 0
    second = export(tmp_path / "second")
    a, b = normalised(first), normalised(second)
    for name in a:
        assert a[name] == b[name], name
    assert len(a["articles"]) == 6 and len(a["comments"]) == 11
    article = ArticlePage.objects.get(title="Council votes on the budget")
    assert RatingSummary.objects.get(article=article).count == 8
    assert Passage.objects.filter(thread__article=article).count() == 2
    # Once more changes nothing.
    before = (ArticlePage.objects.count(), Comment.objects.count())
    call_command("import_site", str(first), stdout=StringIO())
    assert (ArticlePage.objects.count(), Comment.objects.count()) == before


def test_the_wxr_file_reads_back_as_a_wordpress_export(site, tmp_path):
    folder = export(tmp_path / "out")
    empty_the_site()
    report = run(folder / "wordpress.xml")
    assert report["kinds"]["post"]["found"] == 6
    assert report["kinds"]["post"]["imported"] == 6
    assert report["kinds"]["comment"]["imported"] == 11
    article = ArticlePage.objects.get(title="Council votes on the budget")
    first = Comment.objects.get(body_source__startswith="First!")
    assert (first.up, first.down) == (5, 2)
    assert RatingSummary.objects.get(article=article).count == 8
    assert [b.block_type for b in article.body][:3] == [
        "heading",
        "paragraph",
        "paragraph",
    ]


def test_import_site_refuses_a_folder_that_is_no_export(home_page, tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_site", str(tmp_path))
    assert "not a Tribune export" in str(refused.value)
    assert ArticlePage.objects.count() == 0
