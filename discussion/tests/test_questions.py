"""The editors' questions about passages: marked in the rich text, placed as
passages when the article is published, shown as a marker that opens the
answers and the form, and answered like any passage comment."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from discussion import services
from discussion.anchoring import Anchor
from discussion.models import Comment, Passage, Thread
from discussion.questions import markers_in, questions_in
from discussion.tests.fixtures import GUEST, guest
from newsroom.blocks import RICH_TEXT_FEATURES
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

QUESTION = "Is this claim fair?"
LEAD = "Officials said on Monday that "
WORDS = "the plan would cut services"
TAIL = " across the county."


def marked(words=WORDS, key="q1", question=QUESTION) -> str:
    return f'<span data-question-id="{key}" data-question="{question}">{words}</span>'


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[
            ("paragraph", f"<p>{LEAD}{marked()}{TAIL}</p>"),
            ("paragraph", "<p>Libraries would stay open, they added.</p>"),
        ],
    )


def republish(article, *paragraphs: str) -> ArticlePage:
    """Publishes a new body, keeping the blocks' ids in order."""
    page = ArticlePage.objects.get(pk=article.pk)
    ids = [block.id for block in page.body]
    page.body = [
        {"type": "paragraph", "value": f"<p>{text}</p>", "id": ids[n]}
        if n < len(ids)
        else {"type": "paragraph", "value": f"<p>{text}</p>"}
        for n, text in enumerate(paragraphs)
    ]
    page.save_revision().publish()
    return page


def answer(article, passage, body="Yes, on the figures given.") -> Comment:
    return services.post_comment(
        article=article, reader=guest(), body=body, passage_id=passage.pk, **GUEST
    )


# --- reading the markers -----------------------------------------------------------
@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (f"<p>{LEAD}{marked()}{TAIL}</p>", [("q1", QUESTION, LEAD, WORDS)]),
        # Formatting inside the marked words, and character references.
        (
            f"<p>A &amp; B: {marked('the <b>plan</b> would cut')}</p>",
            [("q1", QUESTION, "A & B: ", "the plan would cut")],
        ),
        # A span that is no marker is only text.
        (
            f'<p><span class="x">Lead.</span> {marked()}</p>',
            [("q1", QUESTION, "Lead. ", WORDS)],
        ),
    ],
)
def test_markers_are_found_at_their_words(html, expected):
    from discussion.passages import text_of

    text = text_of(html)
    found = [
        (key, question, text[:start], text[start:end])
        for key, question, start, end in markers_in(html)
    ]
    assert found == expected


def test_questions_in_a_body_skip_copies_empty_questions_and_empty_words(story):
    page = ArticlePage.objects.get(pk=story.pk)
    page.body = [
        (
            "paragraph",
            f"<p>{marked(' ' + WORDS + ' ')} and {marked('again', key='q1')}</p>",
        ),
        ("paragraph", f"<p>{marked('no question', key='q2', question='  ')}</p>"),
        ("paragraph", f"<p>x{marked('  ', key='q3')}</p>"),
        (
            "paragraph",
            "<p>" + marked("Second", key="q4", question="Why\nnow?") + "</p>",
        ),
    ]

    found = questions_in(page.body)

    assert [(m.key, m.anchor.exact, m.anchor.offset) for m in found] == [
        ("q1", WORDS, 1),  # the spaces at the edges are not part of the words
        ("q4", "Second", 0),
    ]
    assert found[1].question == "Why now?"  # one line, as shown


# --- placing them on publish ----------------------------------------------------------
def test_publishing_a_marked_passage_makes_a_question_with_no_comment_yet(story):
    passage = Passage.objects.get(thread__article=story)

    assert (passage.marker, passage.question, passage.exact) == ("q1", QUESTION, WORDS)
    assert passage.offset == len(LEAD)
    assert passage.state == Passage.State.ANCHORED
    assert passage.comment_count == 0
    assert Thread.objects.get(article=story).comment_count == 0


def test_the_question_follows_its_marker_through_edits(story):
    passage = Passage.objects.get(thread__article=story)

    republish(story, f"New first words. {LEAD}{marked(WORDS + ' badly')}{TAIL}")
    passage.refresh_from_db()
    assert passage.exact == WORDS + " badly"
    assert passage.offset == len("New first words. " + LEAD)

    # Moved to another paragraph, asked differently: still the same passage.
    republish(story, "Plain opening.", f"Later: {marked(question='Is it fair?')}")
    passage.refresh_from_db()
    second = ArticlePage.objects.get(pk=story.pk).body[1].id
    assert (passage.block_id, passage.offset) == (second, len("Later: "))
    assert passage.question == "Is it fair?"
    assert Passage.objects.filter(thread__article=story).count() == 1


def test_a_removed_marker_orphans_the_question_and_its_answers_keep_their_quote(
    story, client
):
    passage = Passage.objects.get(thread__article=story)
    answer(story, passage, "Not on these figures.")

    republish(story, f"{LEAD}{WORDS}{TAIL}")  # the marker taken out, words kept
    passage.refresh_from_db()
    assert passage.state == Passage.State.ORPHANED
    assert (passage.exact, passage.question) == (WORDS, QUESTION)

    cache.clear()
    html = BeautifulSoup(client.get(story.url).content, "html.parser")
    assert html.select("[data-article-body] mark") == []
    quote = html.select_one(".comment__passage")
    assert quote.blockquote.get_text() == WORDS
    assert quote.figcaption.get_text() == (
        f"On an earlier version of this article: {QUESTION}"
    )

    republish(story, f"{LEAD}{marked()}{TAIL}")  # and put back
    passage.refresh_from_db()
    assert passage.state == Passage.State.ANCHORED
    assert passage.comment_count == 1


def test_a_reader_selecting_the_marked_words_starts_their_own_passage(story):
    question = Passage.objects.get(thread__article=story)
    block = ArticlePage.objects.get(pk=story.pk).body[0].id

    comment = services.post_comment(
        article=story,
        reader=guest(),
        body="Which services?",
        passage=Anchor(exact=WORDS, block_id=block, offset=len(LEAD)),
        **GUEST,
    )

    assert comment.passage_id != question.pk
    assert comment.passage.question == ""
    question.refresh_from_db()
    assert question.comment_count == 0


# --- on the page --------------------------------------------------------------------
def test_the_page_marks_the_question_with_its_number_of_answers(story, client):
    passage = Passage.objects.get(thread__article=story)
    answer(story, passage)

    html = BeautifulSoup(client.get(story.url).content, "html.parser")

    body = html.select_one("[data-article-body]")
    mark = body.select_one(f'mark[data-passage-id="{passage.pk}"]')
    assert mark.get_text() == WORDS
    marker = mark.find_next_sibling("a")
    assert marker["href"] == f"?passage={passage.pk}#comments"
    assert marker["data-question"] == QUESTION
    assert marker["aria-label"] == f"1 answer to the editors' question: {QUESTION}"
    assert marker.get_text() == "1"
    assert html.select_one("#comments-heading").get_text() == "1 Comment"


def test_opening_a_question_without_the_script_shows_it_its_answers_and_the_form(
    story, client, make_article
):
    passage = Passage.objects.get(thread__article=story)
    answer(story, passage, "An answer.")
    services.post_comment(
        article=story, reader=guest(), body="About the whole piece.", **GUEST
    )

    html = BeautifulSoup(
        client.get(f"{story.url}?passage={passage.pk}").content, "html.parser"
    )

    form = html.select_one("[data-comment-form]")
    assert form.select_one(".comment-form__title").get_text() == (
        "Answer the editors' question"
    )
    assert form.select_one("[name=passage_id]")["value"] == str(passage.pk)
    box = form.select_one("[data-passage-box]")
    assert not box.has_attr("hidden")
    assert box.select_one("[data-passage-question]").get_text() == QUESTION
    assert box.select_one("[data-passage-words]").get_text() == WORDS
    bodies = [p.get_text(strip=True) for p in html.select(".comment__body")]
    assert bodies == ["An answer."]  # only the answers

    # Another article's passage is no question here: the whole discussion shows.
    other = make_article("Elsewhere", body=[("paragraph", f"<p>{marked()}</p>")])
    elsewhere = Passage.objects.get(thread__article=other)
    html = BeautifulSoup(
        client.get(f"{story.url}?passage={elsewhere.pk}").content, "html.parser"
    )
    assert html.select_one("[name=passage_id]")["value"] == ""
    assert len(html.select(".comment__body")) == 2


def test_an_answer_posted_from_the_form_without_the_script(story, settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0
    passage = Passage.objects.get(thread__article=story)
    client = Client()
    page = BeautifulSoup(
        client.get(f"{story.url}?passage={passage.pk}").content, "html.parser"
    )
    form = page.select_one("[data-comment-form]")
    data = {
        field["name"]: field.get("value", "")
        for field in form.select("input[name]")
        if field.get("type") != "checkbox"
    }
    data.update(body="It depends on the year.", name="Ruth", email="r@example.org")

    response = client.post(form["action"], data, HTTP_ORIGIN="http://testserver")

    assert response.status_code in (302, 303)
    comment = Comment.objects.get()
    assert comment.passage_id == passage.pk
    passage.refresh_from_db()
    assert passage.comment_count == 1


def test_answers_are_listed_with_the_question_in_the_api(story, api):
    passage = Passage.objects.get(thread__article=story)

    response = api.post(
        f"/api/v1/articles/{story.pk}/comments",
        json.dumps({"body": "Fair enough.", "passage_id": passage.pk, **GUEST}),
        content_type="application/json",
    )
    assert response.status_code == 201

    listing = api.get(f"/api/v1/articles/{story.pk}/comments?filter=passages").json()
    assert [c["passage"] for c in listing["comments"]] == [
        {"id": passage.pk, "exact": WORDS, "question": QUESTION, "state": "anchored"}
    ]
    passages = api.get(f"/api/v1/articles/{story.pk}/passages").json()["passages"]
    assert [(p["question"], p["comment_count"]) for p in passages] == [(QUESTION, 1)]


# --- in the editor -----------------------------------------------------------------
def test_the_rich_text_editor_keeps_the_marker_key_and_question():
    converter = ContentstateConverter(features=RICH_TEXT_FEATURES)
    stored = (
        f'<p>{LEAD}<span data-question-id="k9" data-question="Fair?">x y</span></p>'
    )

    contentstate = json.loads(converter.from_database_format(stored))
    assert list(contentstate["entityMap"].values()) == [
        {
            "type": "QUESTION",
            "mutability": "MUTABLE",
            "data": {"id": "k9", "question": "Fair?"},
        }
    ]
    back = converter.to_database_format(json.dumps(contentstate))
    assert markers_in(back) == [("k9", "Fair?", len(LEAD), len(LEAD) + 3)]


def test_a_question_with_markup_or_line_breaks_is_stored_as_one_line_of_text():
    converter = ContentstateConverter(features=RICH_TEXT_FEATURES)
    contentstate = {
        "blocks": [
            {
                "key": "a",
                "type": "unstyled",
                "depth": 0,
                "text": "the words",
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 9, "key": 0}],
            }
        ],
        "entityMap": {
            "0": {
                "type": "QUESTION",
                "mutability": "MUTABLE",
                "data": {"id": "bad key!", "question": 'Fair?\r\n<script>"x"</script>'},
            }
        },
    }

    stored = converter.to_database_format(json.dumps(contentstate))

    [(key, question, start, end)] = markers_in(stored)
    assert question == 'Fair? <script>"x"</script>'  # kept as text
    assert "<script>" not in stored  # escaped in the attribute
    assert len(key) == 32 and key != "bad key!"  # a new key, not the bad one
