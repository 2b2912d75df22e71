"""Comments about a passage through the JSON API: checked against the live
article, counted like any comment, listed and filtered."""

from __future__ import annotations

import pytest

from discussion import services
from discussion.models import Comment, Passage, Thread
from discussion.tests.fixtures import guest
from discussion.tests.test_api import GOOD, comments_url, post_json
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db

FIRST = "The council met on Tuesday. Critics said the plan would cut services."
SECOND = "Officials denied it, and said <b>that</b> the plan was fair."
WORDS = "the plan would cut services"


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[
            ("paragraph", f"<p>{FIRST}</p>"),
            ("paragraph", f"<p>{SECOND}</p>"),
            ("heading", {"text": "What next", "level": "h2"}),
        ],
    )


def block_ids(article) -> list[str]:
    return [block.id for block in ArticlePage.objects.get(pk=article.pk).body]


def selection(article, words=WORDS, block=0, **changes) -> dict:
    text = [FIRST, "Officials denied it, and said that the plan was fair."][block]
    start = text.index(words) if words in text else 0
    return {
        "exact": words,
        "prefix": text[max(0, start - 32) : start],
        "suffix": text[start + len(words) :][:32],
        "block_id": block_ids(article)[block],
        "offset": start,
        **changes,
    }


def passages_url(article) -> str:
    return f"/api/v1/articles/{article.pk}/passages"


def test_a_comment_on_selected_words_stores_the_passage_and_counts(api, story):
    response = post_json(
        api, comments_url(story), {**GOOD, "passage": selection(story)}
    )

    assert response.status_code == 201
    passage = Passage.objects.get()
    assert response.json()["passage"] == {
        "id": passage.pk,
        "exact": WORDS,
        "question": "",
        "state": "anchored",
    }
    assert (passage.block_id, passage.offset) == (block_ids(story)[0], 41)
    assert (passage.prefix, passage.suffix) == ("il met on Tuesday. Critics said ", ".")
    assert passage.revision_id == ArticlePage.objects.get(pk=story.pk).live_revision_id
    assert passage.comment_count == 1
    assert Thread.objects.get().comment_count == 1


def test_two_readers_selecting_the_same_words_share_a_passage(api, story):
    for name in ("Asher", "Bea"):
        api.cookies.pop("tribune_reader", None)
        post_json(
            api,
            comments_url(story),
            {**GOOD, "name": name, "body": f"{name} says", "passage": selection(story)},
        )

    passage = Passage.objects.get()
    assert passage.comment_count == 2
    assert Comment.objects.filter(passage=passage).count() == 2


def test_the_same_body_on_two_passages_is_two_comments(api, story):
    for words in (WORDS, "The council met"):
        post_json(
            api, comments_url(story), {**GOOD, "passage": selection(story, words)}
        )

    assert Comment.objects.count() == 2
    assert Passage.objects.count() == 2


def test_answering_an_existing_passage(api, story):
    first = post_json(api, comments_url(story), {**GOOD, "passage": selection(story)})
    passage_id = first.json()["passage"]["id"]

    response = post_json(
        api,
        comments_url(story),
        {**GOOD, "body": "Another view", "passage_id": passage_id},
    )

    assert response.status_code == 201
    assert response.json()["passage"]["id"] == passage_id
    assert Passage.objects.get().comment_count == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"exact": ""}, "passage", "Select the words"),
        ({"exact": "   "}, "passage", "Select the words"),
        ({"exact": "x" * 501}, "passage", "at most 500 characters"),
        (
            {"exact": "cut services.Officials denied"},
            "passage",
            "within one paragraph",
        ),
        ({"exact": "words nobody wrote"}, "passage", "within one paragraph"),
        ({"block_id": "no-such-block"}, "passage", "cannot be commented on"),
    ],
    ids=[
        "empty",
        "blank",
        "over-long",
        "across blocks",
        "not in the block",
        "unknown block",
    ],
)
def test_a_bad_selection_is_refused_and_nothing_stored(
    api, story, changes, field, message
):
    response = post_json(
        api, comments_url(story), {**GOOD, "passage": selection(story, **changes)}
    )

    assert response.status_code == 400
    assert message in response.json()["errors"][field]
    assert not Comment.objects.exists()
    assert not Passage.objects.exists()
    assert not Thread.objects.filter(comment_count__gt=0).exists()


def test_a_heading_cannot_be_commented_on(api, story):
    response = post_json(
        api,
        comments_url(story),
        {**GOOD, "passage": {"exact": "What next", "block_id": block_ids(story)[2]}},
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_another_articles_passage_is_refused(api, story, make_article):
    other = make_article("Other", body=[("paragraph", f"<p>{FIRST}</p>")])
    post_json(api, comments_url(other), {**GOOD, "passage": selection(other)})
    foreign = Passage.objects.get()

    response = post_json(
        api, comments_url(story), {**GOOD, "body": "Mine", "passage_id": foreign.pk}
    )

    assert response.status_code == 400
    assert "passage_id" in response.json()["errors"]
    assert not Comment.objects.filter(thread__article=story).exists()
    assert Passage.objects.get().comment_count == 1


def test_a_reply_cannot_be_about_a_passage(api, story, post):
    parent = post("Parent", on=story)

    response = post_json(
        api,
        comments_url(story),
        {**GOOD, "parent_id": parent.pk, "passage": selection(story)},
    )

    assert response.status_code == 400
    assert Comment.objects.count() == 1
    assert not Passage.objects.exists()


def test_markup_in_the_quote_is_kept_as_text(api, story):
    words = "said that the plan"

    response = post_json(
        api, comments_url(story), {**GOOD, "passage": selection(story, words, 1)}
    )
    listed = api.get(passages_url(story)).json()

    assert response.status_code == 201
    assert listed["passages"][0]["exact"] == words
    refused = post_json(
        api,
        comments_url(story),
        {**GOOD, "passage": selection(story, "said <b>that</b> the plan", 1)},
    )
    assert refused.status_code == 400


def test_listing_carries_passages_and_filters_them(api, story, post):
    plain = post("Plain", on=story)
    about = post_json(
        api, comments_url(story), {**GOOD, "body": "About", "passage": selection(story)}
    ).json()
    reply = post("Reply", on=story, parent=Comment.objects.get(pk=about["id"]))

    everything = api.get(comments_url(story)).json()
    only = api.get(comments_url(story), {"filter": "passages"}).json()

    assert [(c["id"], c["passage"] is None) for c in everything["comments"]] == [
        (plain.pk, True),
        (about["id"], False),
    ]
    assert [c["id"] for c in only["comments"]] == [about["id"]]
    assert only["comments"][0]["replies"][0]["id"] == reply.pk
    assert only["comments"][0]["replies"][0]["passage"] is None
    assert everything["count"] == 3
    assert only["count"] == 1


def test_the_passage_filter_counts_the_passage_comments_it_lists(api, story, post):
    post("Plain", on=story)
    about = [
        post_json(
            api,
            comments_url(story),
            {**GOOD, "body": f"On {words}", "passage": selection(story, words)},
        ).json()
        for words in (WORDS, "The council met", "Critics said")
    ]
    post("Reply", on=story, parent=Comment.objects.get(pk=about[0]["id"]))
    services.withdraw_comment(comment_id=about[2]["id"], state="spam")

    only = api.get(comments_url(story), {"filter": "passages"}).json()

    assert [c["id"] for c in only["comments"]] == [about[0]["id"], about[1]["id"]]
    assert only["count"] == 2
    assert api.get(comments_url(story)).json()["count"] == 4


def test_the_passage_filter_pages_and_sorts(api, story):
    ids = []
    for n, words in enumerate(("The council met", "Critics said", WORDS)):
        ids.append(
            post_json(
                api,
                comments_url(story),
                {**GOOD, "body": f"Comment {n}", "passage": selection(story, words)},
            ).json()["id"]
        )

    first = api.get(
        comments_url(story), {"filter": "passages", "sort": "newest", "limit": 2}
    ).json()
    second = api.get(
        comments_url(story),
        {"filter": "passages", "sort": "newest", "limit": 2, "cursor": first["next"]},
    ).json()

    assert [c["id"] for c in first["comments"] + second["comments"]] == ids[::-1]
    assert second["next"] is None


def test_passages_endpoint_lists_them_with_their_counts(api, story):
    post_json(api, comments_url(story), {**GOOD, "passage": selection(story)})
    passage = Passage.objects.get()

    response = api.get(passages_url(story))

    assert response.json() == {
        "passages": [
            {
                "id": passage.pk,
                "exact": WORDS,
                "prefix": passage.prefix,
                "suffix": ".",
                "block_id": block_ids(story)[0],
                "question": "",
                "state": "anchored",
                "comment_count": 1,
            }
        ]
    }


def test_deleting_and_withdrawing_a_passage_comment_takes_it_out_of_the_count(
    api, story
):
    mine = post_json(api, comments_url(story), {**GOOD, "passage": selection(story)})
    theirs = services.post_comment(
        article=story,
        reader=guest(),
        body="Theirs",
        passage_id=mine.json()["passage"]["id"],
        **{"name": "Bea", "email": "bea@example.org"},
    )

    api.delete(
        f"/api/v1/comments/{mine.json()['id']}",
        HTTP_X_EDIT_TOKEN=mine.json()["edit_token"],
    )
    services.withdraw_comment(comment_id=theirs.pk, state="spam")
    emptied = Passage.objects.get().comment_count
    services.restore_comment(comment_id=theirs.pk)

    assert emptied == 0
    assert Passage.objects.get().comment_count == 1
    assert Thread.objects.get().comment_count == 1
