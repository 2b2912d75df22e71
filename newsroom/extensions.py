"""Where apps above the newsroom add to its pages, without the newsroom knowing them.

An app registers functions under these names with `wagtail.hooks.register` in its
`wagtail_hooks.py`; the newsroom calls them by their `order` (lowest first, 0
when not given), then in the order they were registered, which follows
INSTALLED_APPS. The discussion puts itself under articles this way; the article's
rating registers its section with a negative order, to come above it.
"""

from __future__ import annotations

from wagtail import hooks

# fn(queryset) -> queryset: what teasers need fetched with each article, in a
# fixed number of queries (a related row, a prefetch).
LISTING_QUERYSET = "newsroom_listing_queryset"
# fn(request, article) -> HTML (safe) or "": a short item at the end of an article's
# byline, on the article and in every teaser ("12 comments"); request may be None.
BYLINE_ITEMS = "newsroom_byline_items"
# fn(request, article) -> HTML (safe) or "": a section under the article.
ARTICLE_SECTIONS = "newsroom_article_sections"
# fn(article) -> list of static paths: module scripts the article page loads.
ARTICLE_SCRIPTS = "newsroom_article_scripts"
# fn(article) -> None, or fn(block, html) -> html (safe): asked once each time an
# article's body is rendered; the function it returns may rewrite the rendered
# HTML of each body block it is given (the discussion marks passages this way).
BODY_BLOCK_HTML = "newsroom_body_block_html"
# fn(request, article, data: dict) -> None: adds to the article's JSON-LD NewsArticle.
STRUCTURED_DATA = "newsroom_structured_data"
# fn(request, article, response) -> None: a last look at the article's response
# (to remember a reader's choice in a cookie, say).
ARTICLE_RESPONSE = "newsroom_article_response"


def get(name: str) -> list:
    return hooks.get_hooks(name)
