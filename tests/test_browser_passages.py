"""Comments on a passage in a real browser: select, comment, see it marked, and
follow it through an edit of the article."""

import pytest
from playwright.sync_api import expect

from discussion.models import Comment, Passage
from newsroom.models import ArticlePage
from tests.test_browser_discussion import fill_guest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fast_forms(settings):
    settings.DISCUSSION_MIN_FILL_SECONDS = 0


FIRST = "The council met on Tuesday. Critics said the plan would cut services."
SECOND = "Officials denied it and said that libraries would stay open."
WORDS = "the plan would cut services"


@pytest.fixture
def story(make_article):
    return make_article(
        "Budget row",
        body=[("paragraph", f"<p>{FIRST}</p>"), ("paragraph", f"<p>{SECOND}</p>")],
    )


def select_with_mouse(page, block_index: int, words: str) -> None:
    """Drags the mouse over `words` in the body's block, as a reader does."""
    box = page.evaluate(
        """([index, words]) => {
          const block = document.querySelectorAll("[data-block-id]")[index];
          const node = block.querySelector("p").firstChild;
          const start = node.data.indexOf(words);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + 1);
          const first = range.getBoundingClientRect();
          range.setStart(node, start + words.length - 1);
          range.setEnd(node, start + words.length);
          const last = range.getBoundingClientRect();
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [block_index, words],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def test_a_reader_comments_on_a_selected_passage_and_it_is_marked(
    page, live_server, story, fast_forms
):
    page.goto(live_server.url + story.url)

    select_with_mouse(page, 0, WORDS)
    page.get_by_role("button", name="Comment on this passage").click()
    expect(page.locator("[data-passage-words]")).to_have_text(WORDS)
    fill_guest(page, "Which services?")
    page.get_by_role("button", name="Post comment").click()
    mine = page.locator(".comments > li").last
    mine.get_by_text("Which services?").wait_for()
    expect(mine.locator(".comment__passage blockquote")).to_have_text(WORDS)
    # Marked at once, without a reload, and again from the server after one.
    expect(page.locator("[data-article-body] mark.passage")).to_have_text(WORDS)
    expect(page.locator("[data-article-body] [data-passage-open]")).to_have_text("1")

    page.reload()
    mark = page.locator("[data-article-body] mark.passage")
    expect(mark).to_have_text(WORDS)
    count = page.locator("[data-article-body] [data-passage-open]")
    expect(count).to_have_text("1")
    passage = Passage.objects.get()
    assert (passage.exact, passage.comment_count) == (WORDS, 1)
    assert Comment.objects.get().passage == passage

    count.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".comment--passage")).to_have_count(1)
    expect(page.locator("[data-filter]")).to_have_attribute("aria-current", "true")


def test_the_mark_follows_an_edit_and_an_orphaned_comment_keeps_its_quote(
    page, live_server, story, fast_forms
):
    from discussion import services
    from discussion.anchoring import Anchor
    from discussion.tests.fixtures import GUEST, guest

    body = ArticlePage.objects.get(pk=story.pk).body
    first, second = body[0].id, body[1].id
    services.post_comment(
        article=story,
        reader=guest(),
        body="On the plan",
        passage=Anchor(exact=WORDS, block_id=first, offset=FIRST.index(WORDS)),
        **GUEST,
    )
    services.post_comment(
        article=story,
        reader=guest(),
        body="On the libraries",
        passage=Anchor(
            exact="libraries", block_id=second, offset=SECOND.index("libraries")
        ),
        **GUEST,
    )

    page_ = ArticlePage.objects.get(pk=story.pk)
    page_.body = [
        {"type": "paragraph", "value": f"<p>Late news. {FIRST}</p>", "id": first},
        {
            "type": "paragraph",
            "value": "<p>Officials declined to comment.</p>",
            "id": second,
        },
    ]
    page_.save_revision().publish()
    page.goto(live_server.url + story.url)

    mark = page.locator("[data-article-body] mark.passage")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text(WORDS)
    orphan = page.locator(".comment", has_text="On the libraries")
    expect(orphan.locator(".comment__passage blockquote")).to_have_text("libraries")
    expect(orphan.locator(".comment__passage figcaption")).to_have_text(
        "On an earlier version of this article"
    )


def test_a_selection_made_without_a_mouse_is_offered_to_the_keyboard(
    page, live_server, story
):
    # Keyboard (caret browsing) and touch selections end as a selection change,
    # with no mouse event: the button comes all the same, and works from the keys.
    page.goto(live_server.url + story.url)
    page.evaluate(
        """(words) => {
          const node = document.querySelector("[data-block-id] p").firstChild;
          const start = node.data.indexOf(words);
          window.getSelection().setBaseAndExtent(
            node, start, node, start + words.length);
        }""",
        WORDS,
    )

    button = page.get_by_role("button", name="Comment on this passage")
    button.wait_for()
    expect(page.get_by_text("Press Tab to comment on this passage")).to_be_attached()
    page.keyboard.press("Tab")  # the next Tab goes to the button
    expect(button).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("[data-passage-words]")).to_have_text(WORDS)
    expect(page.locator("#comment-body")).to_be_focused()


def passage_offset(page) -> int:
    """Where the first marked passage starts in its block's text, counts left
    out, as the page's script measures offsets."""
    return page.evaluate(
        """() => {
          const body = document.querySelector("[data-article-body]");
          const mark = body.querySelector("mark[data-passage-id]");
          const block = mark.closest("[data-block-id]");
          const range = document.createRange();
          range.setStart(block, 0);
          range.setEndBefore(mark);
          const before = range.cloneContents();
          for (const count of before.querySelectorAll("[data-passage-open]")) {
            count.remove();
          }
          return before.textContent.length;
        }"""
    )


def test_an_editor_adds_words_before_a_passage_and_its_mark_follows(
    editor_page, live_server, story
):
    from discussion import services
    from discussion.anchoring import Anchor
    from discussion.tests.fixtures import GUEST, guest

    # given a reader's comment on words of the first paragraph
    block_id = ArticlePage.objects.get(pk=story.pk).body[0].id
    services.post_comment(
        article=story,
        reader=guest(),
        body="Which services?",
        passage=Anchor(exact=WORDS, block_id=block_id, offset=FIRST.index(WORDS)),
        **GUEST,
    )
    page = editor_page

    # when an editor writes at the start of that paragraph in the admin and publishes
    page.goto(live_server.url + f"/admin/pages/{story.pk}/edit/")
    paragraph = page.locator(
        f"[data-contentpath='{block_id}'] .public-DraftEditor-content"
    )
    paragraph.get_by_text("The council met").click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("Late news. ")
    expect(paragraph).to_contain_text(f"Late news. {FIRST}")
    # Draftail copies its content into the form's field a moment after typing.
    page.wait_for_function(
        """() => [...document.querySelectorAll("input[type=hidden]")]
          .some((input) => input.value.includes("Late news."))"""
    )
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("published")

    # then the public page marks the same words, where they now are
    page.goto(live_server.url + story.url)
    mark = page.locator("[data-article-body] mark[data-passage-id]")
    expect(mark).to_have_text(WORDS)
    before = FIRST[: FIRST.index(WORDS)]
    expect(page.locator("[data-block-id]").first).to_contain_text(
        f"Late news. {before}{WORDS}"
    )
    moved = len("Late news. ") + FIRST.index(WORDS)
    assert passage_offset(page) == moved
    passage = Passage.objects.get()
    assert (passage.state, passage.block_id, passage.offset) == (
        "anchored",
        block_id,
        moved,
    )


def test_overlapping_passages_both_show_and_each_count_opens_its_own(
    page, live_server, story
):
    from discussion import services
    from discussion.anchoring import Anchor
    from discussion.tests.fixtures import GUEST, guest

    block_id = ArticlePage.objects.get(pk=story.pk).body[0].id
    passages = {}
    for words in (WORDS, "would cut", "said the plan"):
        comment = services.post_comment(
            article=story,
            reader=guest(),
            body=f"On {words}",
            passage=Anchor(exact=words, block_id=block_id, offset=FIRST.index(words)),
            **GUEST,
        )
        passages[words] = comment.passage_id

    page.goto(live_server.url + story.url)  # the whole discussion at first

    # The block reads as its stored text once the counts are left out, as the
    # script measures a selection's offset.
    assert (
        page.evaluate(
            """() => {
              const block = document.querySelector("[data-block-id]").cloneNode(true);
              for (const count of block.querySelectorAll("[data-passage-open]")) {
                count.remove();
              }
              return block.textContent.trim();
            }"""
        )
        == FIRST
    )
    for words, pk in passages.items():
        marks = page.locator(f"[data-article-body] mark[data-passage-id='{pk}']")
        assert "".join(marks.all_text_contents()) == words
    page.locator(f"[data-passage-open='{passages['would cut']}']").click()
    active = page.locator("mark.passage--active")
    expect(active.first).to_be_visible()
    assert "".join(active.all_text_contents()) == "would cut"
    expect(page.locator(".comment--passage")).to_have_count(1)
    expect(page.locator(".comment--passage")).to_contain_text("On would cut")
