"""Passages on the article page: marked in the body by the server, quoted above
their comments, the "Inline feedback" filter, and flat query counts."""

from __future__ import annotations

from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussion import services
from discussion.anchoring import Anchor, anchor_at
from discussion.models import Comment, Passage, Thread
from discussion.passages import mark_passages, text_of
from discussion.tests.fixtures import GUEST, guest
from newsroom.models import ArticlePage

pytestmark = pytest.mark.django_db


def count(passage) -> str:
    return f"[{passage.pk}]"


def at(html: str, words: str, pk: int = 1, nth: int = 0):
    text = text_of(html)
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return SimpleNamespace(pk=pk, offset=start, exact=words)


@pytest.mark.parametrize(
    ("html", "words", "expected"),
    [
        (
            "<p>The plan would cut services.</p>",
            "would cut",
            '<p>The plan <mark class="passage" data-passage-id="1" id="passage-1">'
            "would cut</mark>[1] services.</p>",
        ),
        (
            "<p>The <b>plan would</b> cut.</p>",
            "plan would cut",
            '<p>The <b><mark class="passage" data-passage-id="1" id="passage-1">'
            'plan would</mark></b><mark class="passage" data-passage-id="1"> cut'
            "</mark>[1].</p>",
        ),
        (
            '<p>See <a href="/x/">the report here</a> today.</p>',
            "See the report",
            '<p><mark class="passage" data-passage-id="1" id="passage-1">See </mark>'
            '<a href="/x/"><mark class="passage" data-passage-id="1">the report'
            "</mark> here</a>[1] today.</p>",
        ),
        (
            "<p>Fish &amp; chips &lt;script&gt; here</p>",
            "& chips <script>",
            '<p>Fish <mark class="passage" data-passage-id="1" id="passage-1">'
            "&amp; chips &lt;script&gt;</mark>[1] here</p>",
        ),
        (
            "<p>One<br>two</p>",
            "Onetwo",
            '<p><mark class="passage" data-passage-id="1" id="passage-1">One</mark>'
            '<br><mark class="passage" data-passage-id="1">two</mark>[1]</p>',
        ),
    ],
    ids=["plain", "across bold", "ending in a link", "markup as text", "line break"],
)
def test_mark_passages(html, words, expected):
    assert mark_passages(html, [at(html, words)], count) == expected


def test_words_no_longer_at_their_offset_are_not_marked():
    html = "<p>The plan would cut services.</p>"
    stale = SimpleNamespace(pk=1, offset=0, exact="would cut")

    assert mark_passages(html, [stale], count) == html


@pytest.mark.parametrize(
    ("html", "passages", "expected"),
    [
        (
            "<p>Critics said the plan would cut services.</p>",
            [("the plan would cut services", 1), ("would cut", 2)],
            '<p>Critics said <mark class="passage" data-passage-id="1" id="passage-1">'
            'the plan </mark><mark class="passage" data-passage-id="1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">would cut</mark>'
            '</mark>[2]<mark class="passage" data-passage-id="1"> services</mark>[1]'
            ".</p>",
        ),
        (
            "<p>The plan would cut services.</p>",
            [("plan would", 1), ("would cut", 2)],
            '<p>The <mark class="passage" data-passage-id="1" id="passage-1">plan '
            '</mark><mark class="passage" data-passage-id="1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">would</mark>'
            '</mark>[1]<mark class="passage" data-passage-id="2"> cut</mark>[2]'
            " services.</p>",
        ),
        (
            "<p>The plan would cut services.</p>",
            [("would cut", 1), ("would cut", 2)],
            '<p>The plan <mark class="passage" data-passage-id="1" id="passage-1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">would cut'
            "</mark></mark>[2][1] services.</p>",
        ),
        (
            "<p>The <b>plan would</b> cut services.</p>",
            [("The plan would", 1), ("would cut", 2)],
            '<p><mark class="passage" data-passage-id="1" id="passage-1">The </mark>'
            '<b><mark class="passage" data-passage-id="1">plan </mark>'
            '<mark class="passage" data-passage-id="1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">would</mark>'
            '</mark>[1]</b><mark class="passage" data-passage-id="2"> cut</mark>[2]'
            " services.</p>",
        ),
        (
            '<p>See <a href="/x/">the report here</a> today.</p>',
            [("See the report", 1), ("report here today", 2)],
            '<p><mark class="passage" data-passage-id="1" id="passage-1">See </mark>'
            '<a href="/x/"><mark class="passage" data-passage-id="1">the </mark>'
            '<mark class="passage" data-passage-id="1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">report</mark>'
            '</mark><mark class="passage" data-passage-id="2"> here</mark></a>[1]'
            '<mark class="passage" data-passage-id="2"> today</mark>[2].</p>',
        ),
        (
            "<p>Fish &amp; chips &lt;script&gt; here</p>",
            [("& chips <script>", 1), ("<script> here", 2)],
            '<p>Fish <mark class="passage" data-passage-id="1" id="passage-1">'
            '&amp; chips </mark><mark class="passage" data-passage-id="1">'
            '<mark class="passage" data-passage-id="2" id="passage-2">&lt;script&gt;'
            '</mark></mark>[1]<mark class="passage" data-passage-id="2"> here</mark>'
            "[2]</p>",
        ),
    ],
    ids=[
        "nested",
        "partly overlapping",
        "identical",
        "overlap across bold",
        "overlap across a link",
        "markup as text",
    ],
)
def test_overlapping_passages_all_highlight(html, passages, expected):
    marked = mark_passages(html, [at(html, w, pk) for w, pk in passages], count)

    assert marked == expected


def link_count(passage) -> str:
    return f'<a href="#c" data-passage-open="{passage.pk}">{passage.pk}</a>'


class _Marked(HTMLParser):
    """Marked HTML as the page's script reads it, checked to be well formed:
    each element closes in order, and no link holds a link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict]] = []
        self.text = ""  # the block's text without the counts
        self.words: dict[str, str] = {}  # passage id: the text in its marks
        # In page order: ("mark", passage id, its id attribute) and ("count", id).
        self.order: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            assert all(t != "a" for t, _ in self.open), "a link inside a link"
        if tag == "mark":
            self.order.append(("mark", attrs["data-passage-id"], attrs.get("id")))
        elif "id" in attrs:
            self.order.append(("id", attrs["id"]))
        if "data-passage-open" in attrs:
            self.order.append(("count", attrs["data-passage-open"]))
        if tag not in ("br", "img"):
            self.open.append((tag, attrs))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1][0] == tag, f"</{tag}> in {self.open}"
        self.open.pop()

    def handle_data(self, data):
        if any("data-passage-open" in attrs for _, attrs in self.open):
            return
        self.text += data
        for passage in {a["data-passage-id"] for t, a in self.open if t == "mark"}:
            self.words[passage] = self.words.get(passage, "") + data


def read_marked(html: str) -> _Marked:
    reader = _Marked()
    reader.feed(html)
    reader.close()
    assert not reader.open, f"never closed: {reader.open}"
    return reader


@pytest.mark.parametrize(
    ("html", "words"),
    [
        (
            "<p>Critics said the plan would cut services.</p>",
            ["the plan would cut services", "plan would cut", "would", "cut services"],
        ),
        ("<p>The plan would cut services.</p>", ["would cut", "would cut", "plan"]),
        (
            "<p>The <b>plan <i>would</i></b> cut services.</p>",
            ["The plan would", "plan would cut", "would cut services", "would"],
        ),
        (
            '<p>See <a href="/x/">the <b>report</b> here</a> today, <a href="/y/">'
            "and</a> more.</p>",
            ["See the report", "report here today, and", "the report here", "and"],
        ),
        (
            "<p>Fish &amp; chips &lt;script&gt;<br>here &quot;now&quot;</p>",
            ["& chips <script>", '<script>here "now"', "chips", '"now"'],
        ),
    ],
    ids=["nested three deep", "identical and apart", "across tags", "links", "escapes"],
)
def test_overlapping_marks_are_well_formed_and_keep_the_text(html, words):
    passages = [at(html, w, pk) for pk, w in enumerate(words, 1)]

    marked = mark_passages(html, passages, link_count)

    read = read_marked(marked)
    assert read.text == text_of(html)
    assert "<script>" not in marked
    for passage in passages:
        pk = str(passage.pk)
        assert read.words[pk] == passage.exact
        marks = [i for i, e in enumerate(read.order) if e[:2] == ("mark", pk)]
        # The id once, on the first piece; the count once, after the last piece.
        assert [read.order[i][2] for i in marks] == [f"passage-{pk}"] + [None] * (
            len(marks) - 1
        )
        assert marked.count(f'id="passage-{pk}"') == 1
        counts = [i for i, e in enumerate(read.order) if e == ("count", pk)]
        assert len(counts) == 1 and counts[0] > marks[-1]


FIRST = "The council met on Tuesday. Critics said the plan would cut services."
SECOND = "Officials denied it & said <b>that</b> the plan was fair."


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[("paragraph", f"<p>{FIRST}</p>"), ("paragraph", f"<p>{SECOND}</p>")],
    )


def comment_on(article, words, block=0, body="About this", reader=None):
    page = ArticlePage.objects.get(pk=article.pk)
    block_id = page.body[block].id
    text = text_of(page.body[block].value.source)
    return services.post_comment(
        article=article,
        reader=reader or guest(),
        body=body,
        passage=Anchor(exact=words, block_id=block_id, offset=text.index(words)),
        **GUEST,
    )


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_count_opens_its_passages_comments_without_the_script(client, story):
    first = comment_on(story, "the plan would cut services", body="On the plan")
    comment_on(story, "it & said that", block=1, body="On the denial")

    page = soup(client.get(story.url))
    count = page.select_one(
        f'[data-article-body] [data-passage-open="{first.passage_id}"]'
    )
    assert count["href"] == f"?passage={first.passage_id}#comments"

    opened = soup(client.get(f"{story.url}?passage={first.passage_id}"))
    bodies = [p.get_text(strip=True) for p in opened.select(".comment__body")]
    assert bodies == ["On the plan"]
    form = opened.select_one("[data-comment-form]")
    assert form.select_one("[name=passage_id]")["value"] == str(first.passage_id)
    assert form.select_one("[data-passage-words]").get_text() == (
        "the plan would cut services"
    )
    assert form.select_one("[data-passage-question-box]").has_attr("hidden")


def test_the_page_marks_passages_with_their_counts_and_quotes_them(client, story):
    first = comment_on(story, "the plan would cut services")
    comment_on(story, "the plan would cut services", body="Second view")
    comment_on(story, "it & said that", block=1)

    page = soup(client.get(story.url))

    marks = page.select("[data-article-body] mark.passage")
    assert [m.get_text() for m in marks] == [
        "the plan would cut services",
        "it & said ",
        "that",
    ]
    assert marks[0]["id"] == f"passage-{first.passage_id}"
    counts = page.select("[data-article-body] [data-passage-open]")
    assert [(c.get_text(), c["aria-label"]) for c in counts] == [
        ("2", "2 comments on this passage"),
        ("1", "1 comment on this passage"),
    ]
    quote = page.select_one(f"#comment-{first.pk} .comment__passage")
    assert quote.blockquote.get_text() == "the plan would cut services"
    assert quote.figcaption.a["href"] == f"#passage-{first.passage_id}"


def test_overlapping_passages_both_show_on_the_page(client, story):
    outer = comment_on(story, "the plan would cut services")
    inner = comment_on(story, "would cut", body="Cut what, exactly?")

    body = soup(client.get(story.url)).select_one("[data-article-body]")

    for comment, words in (
        (outer, "the plan would cut services"),
        (inner, "would cut"),
    ):
        marks = body.select(f'mark[data-passage-id="{comment.passage_id}"]')
        assert "".join(m.get_text() for m in marks) == words
        assert [m.get("id") for m in marks] == [f"passage-{comment.passage_id}"] + [
            None
        ] * (len(marks) - 1)
    assert [m.get_text() for m in body.select("mark.passage mark.passage")] == [
        "would cut"
    ]
    assert [c["data-passage-open"] for c in body.select("[data-passage-open]")] == [
        str(inner.passage_id),
        str(outer.passage_id),
    ]


def test_an_orphaned_passage_is_quoted_on_an_earlier_version(client, story):
    comment = comment_on(story, "the plan would cut services")
    page = ArticlePage.objects.get(pk=story.pk)
    page.body = [("paragraph", "<p>Entirely new words.</p>")]
    page.save_revision().publish()

    html = soup(client.get(story.url))

    assert Passage.objects.get().state == "orphaned"
    assert not html.select("mark.passage")
    quote = html.select_one(f"#comment-{comment.pk} .comment__passage")
    assert quote.blockquote.get_text() == "the plan would cut services"
    assert quote.figcaption.get_text() == "On an earlier version of this article"


def test_inline_feedback_filter_shows_only_passage_comments(client, story, post):
    plain = post("Plain comment", on=story)
    about = comment_on(story, "the plan would cut services")

    everything = soup(client.get(story.url))
    only = soup(client.get(f"{story.url}?filter=passages"))

    assert {li["data-comment-id"] for li in everything.select(".comments > li")} == {
        str(plain.pk),
        str(about.pk),
    }
    assert [li["data-comment-id"] for li in only.select(".comments > li")] == [
        str(about.pk)
    ]
    link = only.select_one("[data-filter]")
    assert link["aria-current"] == "true"
    assert "filter=passages" in only.select_one("[data-sort='newest']")["href"]
    # The heading stays the whole discussion's (the script counts new comments
    # against it); the filter says how many comments it lists.
    assert only.select_one("[data-comment-count]").get_text() == "2 Comments"
    assert link.get_text() == "Inline feedback (1)"
    assert everything.select_one("[data-filter]").get_text() == "Inline feedback"


def test_markup_in_a_quote_is_shown_as_text(client, make_article):
    article = make_article(
        "Markup",
        body=[("paragraph", "<p>Type &lt;script&gt;alert(1)&lt;/script&gt;</p>")],
    )
    comment = comment_on(article, "<script>alert(1)</script>")

    response = client.get(article.url)

    html = response.content.decode()
    assert "<script>alert(1)" not in html
    quote = soup(response).select_one(f"#comment-{comment.pk} .comment__passage")
    assert quote.blockquote.get_text() == "<script>alert(1)</script>"


def test_a_new_passage_comment_drops_the_cached_page(
    client, story, django_capture_on_commit_callbacks
):
    client.get(story.url)
    assert client.get(story.url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        comment_on(story, "the plan would cut services")
    response = client.get(story.url)

    assert response["X-Page-Cache"] != "hit"
    assert soup(response).select("mark.passage")


def many_passages(article, n: int) -> None:
    words = FIRST.split()
    for i in range(n):
        comment_on(article, words[i % len(words)], body=f"Comment {i}")


def page_queries(client, path) -> int:
    client.get(path)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, HTTP_COOKIE="tribune_recent=1")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("filter", ["", "passages"])
def test_pages_with_many_passages_cost_the_same_queries(
    client, story, django_assert_max_num_queries, filter
):
    query = f"?filter={filter}" if filter else ""
    page = f"{story.url}{query}"
    api = f"/api/v1/articles/{story.pk}/comments{query}"
    many_passages(story, 2)
    small = (page_queries(client, page), page_queries(client, api))

    many_passages(story, 40)
    cache.clear()
    with django_assert_max_num_queries(small[0]):
        big = client.get(page, HTTP_COOKIE="tribune_recent=1")
    with django_assert_max_num_queries(small[1]):
        client.get(api)

    assert len(soup(big).select("[data-article-body] [data-passage-open]")) >= 10
    assert len(soup(big).select(".comment__passage")) == 20


def test_the_form_posts_a_comment_on_a_passage(client, story):
    from discussion.tests.test_pages import form, post_url

    block_id = ArticlePage.objects.get(pk=story.pk).body[0].id
    fields = {
        "passage_exact": "the plan would cut services",
        "passage_block": block_id,
        "passage_offset": str(FIRST.index("the plan")),
    }

    response = client.post(
        post_url(story), form(**fields), HTTP_X_REQUESTED_WITH="fetch"
    )

    assert response.status_code == 201
    comment = Comment.objects.get()
    assert comment.passage.exact == "the plan would cut services"
    node = BeautifulSoup(response.content, "html.parser")
    assert node.select_one(".comment__passage blockquote").get_text() == (
        "the plan would cut services"
    )


def test_the_form_refuses_a_passage_not_in_the_block(client, story):
    from discussion.tests.test_pages import form, post_url

    block_id = ArticlePage.objects.get(pk=story.pk).body[0].id

    response = client.post(
        post_url(story),
        form(passage_exact="words nobody wrote", passage_block=block_id),
        HTTP_X_REQUESTED_WITH="fetch",
    )

    assert response.status_code == 400
    assert "within one paragraph" in response.content.decode()
    assert not Comment.objects.exists() and not Passage.objects.exists()


# The article page with passages readers commented on, rendered afresh for an
# anonymous reader with every cache cold (past the page cache): the newsroom's
# queries, the rating's, the passages marked in the body (one query), the first
# page of comments with their quotes and replies. The same for 5 as for 200.
PASSAGE_PAGE_QUERIES = 24
POINTS = [[f"Point {5 * p + s} is made here." for s in range(5)] for p in range(40)]


def comment_on_points(article, points: range) -> None:
    """A passage on each of these points, with one guest comment about it."""
    body = ArticlePage.objects.get(pk=article.pk).body
    thread, _ = Thread.objects.get_or_create(article_id=article.pk)
    made = []
    for n in points:
        block = body[n // 5]
        text = text_of(block.value.source)
        words = f"Point {n} is made"
        start = text.index(words)
        made.append(
            Passage(
                thread=thread,
                comment_count=1,
                **vars(anchor_at(text, start, start + len(words), block.id)),
            )
        )
    Comment.objects.bulk_create(
        Comment(
            thread=thread,
            passage=passage,
            guest_name=f"Reader {passage.offset}",
            guest_email="reader@example.org",
            reader_key=f"g:point{n}",
            body_source=f"About point {n}",
            body_html=f"<p>About point {n}</p>",
            body_hash=f"point{n}",
        )
        for n, passage in zip(points, Passage.objects.bulk_create(made), strict=True)
    )
    total = Comment.objects.filter(thread=thread).count()
    Thread.objects.filter(pk=thread.pk).update(
        comment_count=total, top_level_count=total
    )


def test_the_page_with_many_passage_comments_is_pinned(
    client, make_article, django_assert_max_num_queries
):
    article = make_article(
        "Long read",
        body=[("paragraph", "<p>" + " ".join(points) + "</p>") for points in POINTS],
    )
    comment_on_points(article, range(5))
    few = page_queries(client, article.url)

    comment_on_points(article, range(5, 200))
    cache.clear()
    with django_assert_max_num_queries(PASSAGE_PAGE_QUERIES):
        response = client.get(article.url, HTTP_COOKIE="tribune_recent=1")

    assert few == page_queries(client, article.url) == PASSAGE_PAGE_QUERIES
    marked = soup(response).select("[data-article-body] mark.passage[id]")
    assert len(marked) == 200
    assert marked[199].get_text() == "Point 199 is made"
    assert "200 Comments" in response.content.decode()


def test_marked_blocks_are_kept_until_the_discussion_changes(
    client, make_article, django_capture_on_commit_callbacks
):
    article = make_article(
        "Long read",
        body=[("paragraph", "<p>" + " ".join(points) + "</p>") for points in POINTS],
    )
    comment_on_points(article, range(50))
    cache.clear()
    first = client.get(article.url, HTTP_COOKIE="tribune_recent=1")

    # Rendered again past the page cache: no passage is read, the marks are kept.
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(article.url, HTTP_COOKIE="tribune_recent=1")
    assert not [q for q in ctx.captured_queries if "discussion_passage" in q["sql"]]
    body = soup(again).select_one("[data-article-body]")
    assert body == soup(first).select_one("[data-article-body]")
    assert len(body.select("mark.passage[id]")) == 50

    # A new comment on a passage: its count follows on the next rendering.
    passage = Passage.objects.get(exact="Point 7 is made")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_comment(
            article=article, reader=guest(), body="More", passage_id=passage.pk, **GUEST
        )
    after = soup(client.get(article.url, HTTP_COOKIE="tribune_recent=1"))
    count = after.select_one(f'[data-article-body] [data-passage-open="{passage.pk}"]')
    assert count.get_text() == "2"


def test_a_preview_of_other_words_is_marked_anew(rf, make_article):
    from discussion.wagtail_hooks import passages_in_body

    article = make_article(
        "Long read",
        body=[("paragraph", "<p>" + " ".join(points) + "</p>") for points in POINTS],
    )
    comment_on_points(article, range(1))
    block = ArticlePage.objects.get(pk=article.pk).body[0]
    cache.clear()
    live = passages_in_body(article)(block, "<p>Point 0 is made here.</p>")
    assert '<mark class="passage"' in live

    # The same block in a draft whose words moved: not the live block's marks.
    draft = passages_in_body(article)(block, "<p>Now: Point 0 is made here.</p>")
    assert draft == "<p>Now: Point 0 is made here.</p>"
