"""Each element of WordPress's markup and wpDiscuz's meta, mapped."""

from __future__ import annotations

import pytest

from transfer import wpbody, wpdiscuz

IMAGE = object()


def blocks(html: str):
    return wpbody.convert(html, find_image=lambda src: IMAGE if "ok" in src else None)


BODY_CASES = {
    "classic paragraphs": (
        "One line\nand a break.\n\nSecond paragraph.",
        [("paragraph", "<p>One line<br>and a break.</p>"),
         ("paragraph", "<p>Second paragraph.</p>")],
    ),
    "h1 and h2 are sections": (
        "<h1>Top</h1><h2>Two</h2>",
        [("heading", {"text": "Top", "level": "h2"}),
         ("heading", {"text": "Two", "level": "h2"})],
    ),
    "h3 to h6 are subsections": (
        "<h4>Four</h4>", [("heading", {"text": "Four", "level": "h3"})]
    ),
    "bold and italic": (
        "<p><strong>a</strong> <em>b</em> <sup>c</sup></p>",
        [("paragraph", "<p><b>a</b> <i>b</i> <sup>c</sup></p>")],
    ),
    "lists": (
        "<ol><li>one</li><li>two</li></ol>",
        [("paragraph", "<ol><li>one</li><li>two</li></ol>")],
    ),
    "block quote with its source": (
        "<blockquote><p>Words.</p><cite>Someone</cite></blockquote>",
        [("quote", {"text": "Words.", "attribution": "Someone"})],
    ),
    "caption shortcode": (
        '[caption id="attachment_1" width="300"]<img src="/ok.jpg" alt="A"> '
        "The caption[/caption]",
        [("image", {"image": IMAGE, "alt": "A", "caption": "The caption", "credit": ""})],  # noqa: E501
    ),
    "figure with figcaption": (
        '<figure class="wp-block-image"><img src="/ok.jpg" alt="B">'
        "<figcaption>Below</figcaption></figure>",
        [("image", {"image": IMAGE, "alt": "B", "caption": "Below", "credit": ""})],
    ),
    "embed block": (
        '<!-- wp:embed {"url":"https://vimeo.com/22439234"} --><figure '
        'class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
        "https://vimeo.com/22439234\n</div></figure><!-- /wp:embed -->",
        [("embed", {"url": "https://vimeo.com/22439234", "title": "vimeo.com",
                    "caption": ""})],
    ),
    "embed shortcode": (
        "[embed]https://www.youtube.com/watch?v=abcdefgh[/embed]",
        [("embed", {"url": "https://www.youtube.com/watch?v=abcdefgh",
                    "title": "www.youtube.com", "caption": ""})],
    ),
    "a bare URL on its own line": (
        "Intro.\n\nhttps://youtu.be/abcdefgh\n\nOutro.",
        [("paragraph", "<p>Intro.</p>"),
         ("embed", {"url": "https://youtu.be/abcdefgh", "title": "youtu.be",
                    "caption": ""}),
         ("paragraph", "<p>Outro.</p>")],
    ),
    "iframe": (
        '<iframe src="https://www.youtube.com/embed/abcdefgh" title="Clip"></iframe>',
        [("embed", {"url": "https://www.youtube.com/embed/abcdefgh", "title": "Clip",
                    "caption": ""})],
    ),
    "script, events and javascript: links": (
        '<p>Hi<script>alert(1)</script> <a href="javascript:alert(1)" '
        'onclick="x()">x</a> <span onmouseover="y()">z</span></p>',
        [("paragraph", "<p>Hi <a>x</a> <span>z</span></p>")],
    ),
    "a table as lines": (
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
        [("paragraph", "<p>a | b<br>1 | 2</p>")],
    ),
    "pre keeps its lines": (
        "<pre>x = 1\ny = 2</pre>", [("paragraph", "<p>x = 1<br>y = 2</p>")]
    ),
    "missing image keeps its caption": (
        '<figure><img src="/gone.jpg"><figcaption>Lost</figcaption></figure>',
        [("paragraph", "<p><i>Lost</i></p>")],
    ),
    "feedback shortcode becomes a question marker": (
        '<p>Claim: [wpdiscuz-feedback id="abc123" question="True?" opened="0"]'
        "the sky is green[/wpdiscuz-feedback].</p>",
        [("paragraph", '<p>Claim: <span data-question="True?" '
          'data-question-id="abc123">the sky is green</span>.</p>')],
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("html", "expected"), list(BODY_CASES.values()), ids=list(BODY_CASES)
)
def test_wordpress_markup_becomes_blocks(html, expected):
    assert blocks(html).blocks == expected


def test_feedback_questions_are_listed_and_missing_images_reported():
    converted = blocks(
        '[wpdiscuz-feedback id="k1" question="Q one?"]a[/wpdiscuz-feedback]'
        '<img src="/gone.jpg">'
    )
    assert [(q.key, q.question) for q in converted.questions] == [("k1", "Q one?")]
    assert converted.missing_images == ["/gone.jpg"]


VOTE_CASES = {
    "separate counts": ({"wpdiscuz_votes_seperate": 'a:2:{s:4:"like";i:7;s:7:"dislike";i:3;}',  # noqa: E501
                         "wpdiscuz_votes": "4"}, (7, 3)),
    "net score only (older wpDiscuz)": ({"wpdiscuz_votes": "-3"}, (0, 3)),
    "positive net score": ({"wpdiscuz_votes": "5"}, (5, 0)),
    "counts as strings": ({"wpdiscuz_votes_seperate":
                           'a:2:{s:4:"like";s:1:"2";s:7:"dislike";s:1:"1";}'}, (2, 1)),
    "broken serialized value falls back": ({"wpdiscuz_votes_seperate": "a:2:{broken",
                                            "wpdiscuz_votes": "1"}, (1, 0)),
    "no votes": ({}, None),
}  # fmt: skip


@pytest.mark.parametrize(
    ("meta", "votes"), list(VOTE_CASES.values()), ids=list(VOTE_CASES)
)
def test_wpdiscuz_comment_votes(meta, votes):
    assert wpdiscuz.comment_votes(meta) == votes


RATING_CASES = {
    "post rating": ({"wpdiscuz_post_rating": "4.3", "wpdiscuz_post_rating_count": "3"},
                    {4: 2, 5: 1}),
    "rating field": ({"wpdiscuz_rating_count": 'a:1:{s:3:"abc";a:2:{i:5;i:2;i:1;i:1;}}'},  # noqa: E501
                     {5: 2, 1: 1}),
    "both add up": ({"wpdiscuz_post_rating": "5", "wpdiscuz_post_rating_count": "2",
                     "wpdiscuz_rating_count": 'a:1:{s:3:"abc";a:1:{i:5;i:1;}}'}, {5: 3}),  # noqa: E501
    "nothing": ({}, {}),
    "average out of range": ({"wpdiscuz_post_rating": "9",
                              "wpdiscuz_post_rating_count": "2"}, {}),
}  # fmt: skip


@pytest.mark.parametrize(
    ("meta", "expected"), list(RATING_CASES.values()), ids=list(RATING_CASES)
)
def test_wpdiscuz_post_ratings(meta, expected):
    assert wpdiscuz.post_ratings(meta)[0] == expected


def test_feedback_forms_match_questions_in_order():
    assert wpdiscuz.feedback_assignment(["a", "b"], {12, 9}) == ({9: "a", 12: "b"}, "")
    assert wpdiscuz.feedback_assignment(["a"], {3, 4}) == ({3: "a", 4: "a"}, "")
    mapping, note = wpdiscuz.feedback_assignment(["a", "b"], {1, 2, 3})
    assert mapping == {} and "kept as ordinary comments" in note


def test_php_values_are_never_evaluated():
    # An object in a serialized value is not built (phpserialize refuses it).
    assert wpdiscuz.unserialize('O:8:"stdClass":0:{}') is None
