"""Passages follow their words when a new version of the article is published."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from discussion.models import Passage, Thread
from discussion.passages import block_texts
from newsroom.models import ArticlePage
from newsroom.services import article_scope
from pagecache.generations import version

FIRST = "The council met on Tuesday. Critics said the plan would cut services."
SECOND = "Officials denied it and said that libraries would stay open."
WORDS = "the plan would cut services"


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[("paragraph", f"<p>{FIRST}</p>"), ("paragraph", f"<p>{SECOND}</p>")],
    )


def blocks_of(article) -> list:
    return list(ArticlePage.objects.get(pk=article.pk).body)


def passage_on(article, words=WORDS, block=0) -> Passage:
    body = blocks_of(article)
    text = block_texts(body)[body[block].id]
    start = text.index(words)
    thread, _ = Thread.objects.get_or_create(article=article)
    return Passage.objects.create(
        thread=thread,
        exact=words,
        prefix=text[max(0, start - 32) : start],
        suffix=text[start + len(words) :][:32],
        block_id=body[block].id,
        offset=start,
        revision=article.latest_revision,
    )


def publish_body(article, paragraphs: list[tuple[str | None, str]]):
    """Publishes a new body: (id of the block it keeps, or None, text) each."""
    page = ArticlePage.objects.get(pk=article.pk)
    page.body = [
        {"type": "paragraph", "value": f"<p>{text}</p>", "id": block_id}
        if block_id
        else ("paragraph", f"<p>{text}</p>")
        for block_id, text in paragraphs
    ]
    page.save_revision().publish()
    return page


def test_text_inserted_before_moves_the_passage_in_its_block(
    story, django_capture_on_commit_callbacks
):
    passage = passage_on(story)
    first, second = (block.id for block in blocks_of(story))
    scope = version(article_scope(story.pk))

    with django_capture_on_commit_callbacks(execute=True):
        publish_body(story, [(first, "New opening words. " + FIRST), (second, SECOND)])

    passage.refresh_from_db()
    assert passage.state == Passage.State.ANCHORED
    assert (passage.block_id, passage.exact) == (first, WORDS)
    assert passage.offset == len("New opening words. ") + FIRST.index(WORDS)
    assert version(article_scope(story.pk)) != scope


def test_a_passage_moved_to_another_block_follows_it(story):
    moved = "Critics said the plan would cut services."
    passage = passage_on(story, moved)
    first, second = (block.id for block in blocks_of(story))

    publish_body(
        story, [(first, "The council met on Tuesday."), (second, f"{SECOND} {moved}")]
    )

    passage.refresh_from_db()
    assert (passage.state, passage.block_id, passage.exact) == (
        "anchored",
        second,
        moved,
    )


def test_a_passage_whose_words_are_gone_is_orphaned_and_keeps_them(story):
    passage = passage_on(story)
    first, second = (block.id for block in blocks_of(story))

    publish_body(story, [(first, "The council met on Tuesday."), (second, SECOND)])

    passage.refresh_from_db()
    assert passage.state == Passage.State.ORPHANED
    assert (passage.exact, passage.block_id) == (WORDS, first)


def test_an_orphaned_passage_whose_words_come_back_is_anchored_again(story):
    passage = passage_on(story)
    first, second = (block.id for block in blocks_of(story))
    publish_body(story, [(first, "The council met on Tuesday."), (second, SECOND)])

    publish_body(story, [(first, FIRST), (second, SECOND)])

    passage.refresh_from_db()
    assert passage.state == Passage.State.ANCHORED


def test_a_draft_leaves_passages_alone(story):
    passage = passage_on(story)
    page = ArticlePage.objects.get(pk=story.pk)
    page.body = [("paragraph", "<p>Nothing of the old text.</p>")]

    page.save_revision()

    passage.refresh_from_db()
    assert passage.state == Passage.State.ANCHORED


def test_scheduled_publishing_re_anchors(story):
    passage = passage_on(story)
    page = ArticlePage.objects.get(pk=story.pk)
    page.body = [("paragraph", "<p>Nothing of the old text.</p>")]
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - timezone.timedelta(minutes=1)
    revision.save()

    call_command("publish_scheduled", verbosity=0)

    passage.refresh_from_db()
    assert passage.state == Passage.State.ORPHANED


def test_block_texts_are_what_the_page_shows():
    from wagtail.blocks import StreamValue

    from newsroom.blocks import ArticleBodyBlock

    body = StreamValue(
        ArticleBodyBlock(),
        [
            {
                "type": "paragraph",
                "value": "<p>Bold <b>words</b> &amp; a <a href='/x/'>link</a>.</p>",
                "id": "p1",
            },
            {
                "type": "quote",
                "value": {"text": "First line\nsecond", "attribution": "Ada"},
                "id": "q1",
            },
            {
                "type": "heading",
                "value": {"text": "Not commented on", "level": "h2"},
                "id": "h1",
            },
        ],
        is_lazy=True,
    )

    texts = block_texts(body)

    assert texts == {"p1": "Bold words & a link.", "q1": "First linesecond\u2014 Ada\n"}
