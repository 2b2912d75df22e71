"""import_wordpress end to end: the theme unit test export, a wpDiscuz site,
importing twice, an interrupted import, redirects and the new-article mail."""

from __future__ import annotations

import json
import tempfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image as PILImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from accounts.tests.fixtures import make_user
from discussion.models import Comment, Passage, Thread
from newsroom.models import ArticlePage, Author, SectionPage
from ratings.models import Rating, RatingSummary
from subscriptions.models import Event
from transfer.models import Imported

DATA = Path(__file__).parent / "data"
THEME_UNIT_TEST = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "themeunittestdata.wordpress.xml"
)
if not THEME_UNIT_TEST.exists():  # a worktree beside main
    THEME_UNIT_TEST = Path("/work/shared/data/themeunittestdata.wordpress.xml")
WPDISCUZ = DATA / "wpdiscuz.xml"
NO_EMAIL = "no e-mail address in the export (fine: bylines need none)"


def run(path, *args) -> dict:
    """Runs the command; returns its JSON report, with the text it printed."""
    out = StringIO()
    with tempfile.TemporaryDirectory() as folder:
        json_path = Path(folder) / "report.json"
        call_command(
            "import_wordpress", str(path), "--report-json", str(json_path), *args,
            stdout=out,
        )  # fmt: skip
        data = json.loads(json_path.read_text())
    data["text"] = out.getvalue()
    return data


def stored() -> dict:
    return {
        "articles": ArticlePage.objects.count(),
        "comments": Comment.objects.count(),
        "authors": Author.objects.count(),
        "sections": SectionPage.objects.count(),
        "redirects": Redirect.objects.count(),
        "ratings": Rating.objects.count(),
        "passages": Passage.objects.count(),
        "images": get_image_model().objects.count(),
        "records": Imported.objects.count(),
    }


@pytest.fixture
def media_dir(tmp_path) -> Path:
    folder = tmp_path / "uploads"
    (folder / "2024" / "03").mkdir(parents=True)
    out = BytesIO()
    PILImage.new("RGB", (64, 48), (10, 120, 30)).save(out, "JPEG")
    (folder / "2024" / "03" / "photo.jpg").write_bytes(out.getvalue())
    return folder


# --- the theme unit test file ------------------------------------------------------
@pytest.mark.skipif(not THEME_UNIT_TEST.exists(), reason="theme unit test data absent")
def test_every_post_page_and_comment_of_the_theme_unit_test_is_accounted_for(home_page):
    report = run(THEME_UNIT_TEST)
    kinds = report["kinds"]
    assert kinds["post"]["found"] == 58
    assert kinds["post"]["imported"] == 58
    assert kinds["page"]["found"] == kinds["page"]["imported"] == 21
    assert kinds["comment"]["found"] == 33
    assert kinds["comment"]["imported"] == 29
    assert kinds["comment"]["skipped_why"] == {
        "pingback: left out": 2,
        "trackback: left out": 2,
    }
    for kind in ("post", "page", "comment"):
        counts = kinds[kind]
        assert (
            counts["found"] == counts["imported"] + counts["skipped"] + counts["failed"]
        )
        assert counts["failed"] == 0
    assert kinds["nav_menu_item"]["skipped"] == 70
    assert ArticlePage.objects.count() == 79
    assert Comment.objects.count() == 29
    assert Comment.objects.filter(state="pending").count() == 3
    assert Comment.objects.filter(depth__gte=5).exists()  # threaded ten deep
    assert ArticlePage.objects.filter(live=True).count() == 77
    scheduled = ArticlePage.objects.get(title="Scheduled")
    assert not scheduled.live and scheduled.go_live_at is not None
    draft = ArticlePage.objects.get(title="Draft")
    assert not draft.live and draft.first_published_at is None
    protected = ArticlePage.objects.get(
        title__startswith="Template: Password Protected"
    )
    assert PageViewRestriction.objects.filter(page=protected, password="enter").exists()
    # The old dates stay: 2007's posts are not news.
    assert ArticlePage.objects.filter(first_published_at__year=2007).exists()
    assert Event.objects.filter(kind="article.published").count() == 0
    home_page.refresh_from_db()
    assert home_page.lead_story.title == "Template: Sticky"


@pytest.mark.skipif(not THEME_UNIT_TEST.exists(), reason="theme unit test data absent")
def test_every_imported_theme_unit_test_article_is_served(home_page, client):
    run(THEME_UNIT_TEST)
    for article in ArticlePage.objects.live():
        response = client.get(article.url)
        assert response.status_code == 200, article.title
        assert b"<script>alert" not in response.content


@pytest.mark.skipif(not THEME_UNIT_TEST.exists(), reason="theme unit test data absent")
def test_importing_the_theme_unit_test_again_changes_nothing(home_page):
    run(THEME_UNIT_TEST)
    before = stored()
    revisions = {p.pk: p.latest_revision_id for p in ArticlePage.objects.all()}
    report = run(THEME_UNIT_TEST)
    assert stored() == before
    assert {p.pk: p.latest_revision_id for p in ArticlePage.objects.all()} == revisions
    assert report["kinds"]["post"]["skipped_why"] == {"already imported, unchanged": 58}
    assert report["kinds"]["comment"]["imported"] == 0


# --- the wpDiscuz site ---------------------------------------------------------------
@pytest.fixture
def imported(home_page, media_dir):
    member = make_user(email="mary@example.org", display_name="Mary M")
    report = run(WPDISCUZ, "--media-dir", str(media_dir))
    article = ArticlePage.objects.get(title="Council votes on the budget")
    return report, article, member


def by_body(text: str) -> Comment:
    return Comment.objects.get(body_source__startswith=text)


def test_a_wpdiscuz_post_becomes_an_article_with_its_blocks(imported):
    report, article, _ = imported
    assert article.live
    assert article.first_published_at.isoformat().startswith("2024-03-15T10:00")
    assert article.slug == "council-votes"
    assert article.section.slug == "world"
    assert [t.name for t in article.tags.all()] == ["Budget", "Local"]
    assert [a.name for a in article.authors] == ["Eda Editor"]
    assert article.standfirst == "The council voted on Tuesday."
    assert article.featured_image is not None
    kinds = [block.block_type for block in article.body]
    assert kinds == [
        "heading", "paragraph", "paragraph", "image", "paragraph", "quote", "embed",
        "paragraph",
    ]  # fmt: skip
    figure = article.body[3].value
    assert figure["caption"] == "The chamber on Tuesday"
    assert figure["alt"] == "The council chamber"
    assert article.body[5].value["attribution"] == "The mayor"
    assert article.body[6].value["url"] == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    raw = json.dumps(article.body.get_prep_value())
    for bad in ("<script", "javascript:", "onclick", "onerror", "steal()"):
        assert bad not in raw
    assert report["missing_media"] == {
        "2024/03/missing.jpg": "http://old.example/wp-content/uploads/2024/03/missing.jpg"
    }
    assert report["unknown_meta_keys"] == {
        "comment:some_plugin_flag": 1,
        "post:my_plugin_thing": 1,
    }


def test_wpdiscuz_comments_keep_threads_states_and_votes(imported):
    _, article, member = imported
    thread = Thread.objects.get(article=article)
    first = by_body("First!")
    assert first.body_html == "<p>First!</p>\n<p>A second paragraph.</p>" or (
        first.body_html == "<p>First!</p><p>A second paragraph.</p>"
    )
    assert (first.up, first.down, first.score) == (5, 2, 3)
    assert (first.imported_up, first.imported_down) == (5, 2)
    assert first.guest_name == "Guest Reader"
    assert first.guest_email == "guest@example.org"
    assert first.guest_website == "https://guest.example.org"
    reply = by_body("I agree")
    assert reply.user == member and reply.guest_email == ""
    assert (reply.up, reply.down, reply.score) == (0, 2, -2)
    assert reply.parent == first and reply.depth == 1
    deep = by_body("Look")
    assert deep.parent == reply and deep.root == first and deep.depth == 2
    for bad in ("<script", "javascript:", "onmouseover"):
        assert bad not in deep.body_html
    assert "<strong>bold</strong>" in deep.body_html or "bold" in deep.body_html
    assert by_body("Waiting").state == "pending"
    assert by_body("Buy now").state == "spam"
    assert by_body("Deleted reply").state == "removed"
    assert not Comment.objects.filter(body_source__startswith="Pingback").exists()
    pinned = by_body("Pinned")
    assert pinned.pinned_at is not None and pinned.up == 10
    # Counters as the discussion keeps them.
    assert first.reply_count == 1 and first.descendant_count == 2
    assert thread.comment_count == 8
    assert thread.top_level_count == 5
    assert thread.pinned_count == 1


def test_wpdiscuz_feedback_answers_are_tied_to_their_questions(imported):
    report, article, _ = imported
    passages = {p.marker: p for p in Passage.objects.filter(thread__article=article)}
    assert set(passages) == {"q1fair", "q2source"}
    assert passages["q1fair"].question == "Is this claim fair?"
    assert passages["q1fair"].exact == "The vote was unanimous"
    assert by_body("Not quite").passage == passages["q1fair"]
    assert by_body("Ask the residents").passage == passages["q2source"]
    assert by_body("Source?").passage is None
    assert passages["q1fair"].comment_count == 1
    assert passages["q2source"].comment_count == 1
    assert report["kinds"]["feedback"]["imported"] == 2


def test_wpdiscuz_ratings_become_the_articles_ratings(imported):
    report, article, _ = imported
    summary = RatingSummary.objects.get(article=article)
    # Post rating: 4 votes averaging 4.5 (2 × 4, 2 × 5); first rating field:
    # 3 × 5 and 1 × 3; the second field is reported, not added.
    assert summary.count == 8
    assert summary.total == 18 + 18
    assert summary.distribution == {1: 0, 2: 0, 3: 1, 4: 2, 5: 5}
    assert report["kinds"]["rating"]["imported"] == 8
    assert (
        "rating field rating_field2: a second rating field, not imported"
        in report["notes"]
    )


def test_statuses_authors_pages_and_skips_of_the_wpdiscuz_site(imported):
    report, _, _ = imported
    scheduled = ArticlePage.objects.get(title="Coming soon")
    assert not scheduled.live and scheduled.go_live_at.year == 2099
    assert scheduled.first_published_at is None
    assert [a.name for a in scheduled.authors] == ["Ghost Writer"]
    assert not ArticlePage.objects.get(title="Half written").live
    assert not ArticlePage.objects.get(title="Members only").live
    protected = ArticlePage.objects.get(title="Protected")
    assert protected.live and protected.section.slug == "uncategorised"
    assert PageViewRestriction.objects.filter(
        page=protected, password="letmein"
    ).exists()
    about = ArticlePage.objects.get(title="About us")
    assert about.section.slug == "pages"
    assert [b.value.source for b in about.body] == [
        "<p>Plain text page.</p>",
        "<p>Second paragraph with a line<br/>break.</p>",
    ] or [b.block_type for b in about.body] == ["paragraph", "paragraph"]
    assert not ArticlePage.objects.filter(title="Old post").exists()
    assert report["kinds"]["post"]["skipped_why"] == {"status trash": 1}
    assert report["kinds"]["author"] == {
        "found": 2, "imported": 2, "updated": 0, "skipped": 0, "failed": 0,
        "imported_why": {NO_EMAIL: 1},
    }  # fmt: skip


def test_an_import_sends_no_new_article_mail(imported):
    assert Event.objects.filter(kind="article.published").count() == 0


def test_the_wpdiscuz_site_imported_again_changes_nothing(imported, media_dir):
    before = stored()
    votes = list(Comment.objects.order_by("pk").values_list("up", "down", "score"))
    report = run(WPDISCUZ, "--media-dir", str(media_dir))
    assert stored() == before
    assert (
        list(Comment.objects.order_by("pk").values_list("up", "down", "score")) == votes
    )
    assert report["kinds"]["post"]["imported"] == 0


def test_new_votes_add_to_imported_ones(imported, rf):
    from discussion.readers import Reader
    from discussion.services import cast_vote

    first = by_body("First!")
    cast_vote(
        comment_id=first.pk, reader=Reader(key="g:someone-new", ip_hash="abc"), value=1
    )
    first.refresh_from_db()
    assert (first.up, first.down, first.score) == (6, 2, 4)


# --- redirects -----------------------------------------------------------------------
def test_old_links_and_short_links_redirect_permanently(imported, client):
    _, article, _ = imported
    for old in ("/2024/03/council-votes/", "/?p=10"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == article.url
    about = ArticlePage.objects.get(title="About us")
    response = client.get("/about/")
    assert response.status_code == 301 and response["Location"] == about.url
    response = client.get("/?page_id=15")
    assert response.status_code == 301 and response["Location"] == about.url
    assert client.get("/?p=999").status_code == 200  # the front page, as before


# --- dry run, interruption ----------------------------------------------------------
def test_a_dry_run_stores_nothing_and_reports_the_same_counts(home_page, media_dir):
    before = stored()
    report = run(WPDISCUZ, "--dry-run", "--media-dir", str(media_dir))
    assert stored() == before
    assert report["dry_run"] is True
    # Not a terminal: plain progress lines, then the report.
    assert "Importing: 9/9\n" in report["text"]
    assert "Dry run (nothing stored) of wordpress:http://old.example" in report["text"]
    assert report["kinds"]["post"]["imported"] == 5
    assert report["kinds"]["comment"]["imported"] == 11


def test_an_interrupted_import_finishes_when_run_again(
    home_page, media_dir, monkeypatch
):
    from transfer import wordpress

    real = wordpress.WordPressImport._comments
    calls = {"n": 0}

    def crash_on_the_third(self, item, page, questions):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, item, page, questions)

    monkeypatch.setattr(wordpress.WordPressImport, "_comments", crash_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run(WPDISCUZ, "--media-dir", str(media_dir))
    assert ArticlePage.objects.count() == 2  # whole posts only
    monkeypatch.setattr(wordpress.WordPressImport, "_comments", real)
    report = run(WPDISCUZ, "--media-dir", str(media_dir))
    assert report["kinds"]["post"]["skipped_why"] == {
        "already imported, unchanged": 2,
        "status trash": 1,
    }
    assert ArticlePage.objects.count() == 6
    assert Comment.objects.count() == 11
    assert ArticlePage.objects.filter(slug__endswith="-2").count() == 0


def test_a_post_changed_since_the_last_import_is_updated(imported, media_dir, tmp_path):
    _, article, _ = imported
    first_published = article.first_published_at
    changed = WPDISCUZ.read_text()
    changed = changed.replace(
        "Council votes on the budget", "Council passes the budget"
    )
    changed = changed.replace(
        'a:2:{s:4:"like";i:5;s:7:"dislike";i:2;}',
        'a:2:{s:4:"like";i:9;s:7:"dislike";i:2;}',
    )
    path = tmp_path / "changed.xml"
    path.write_text(changed)
    comments = Comment.objects.count()
    report = run(path, "--media-dir", str(media_dir))
    assert report["kinds"]["post"]["updated"] == 1
    assert report["kinds"]["post"]["imported"] == 0
    article.refresh_from_db()
    assert article.title == "Council passes the budget"
    assert article.first_published_at == first_published
    assert Comment.objects.count() == comments
    first = by_body("First!")
    assert (first.up, first.down, first.imported_up) == (9, 2, 9)
    assert Event.objects.filter(kind="article.published").count() == 0
