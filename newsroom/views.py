"""Reader pages that are not Wagtail pages: author, tag, search, and the error pages."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.http import require_GET
from taggit.models import Tag
from wagtail.models import Site

from . import feeds
from .models import ArticlePage, Author, paginate


def _site(request) -> Site:
    return Site.find_for_request(request) or Site.objects.get(is_default_site=True)


@require_GET
def author_detail(request, slug: str):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = (
        ArticlePage.objects.published(_site(request))
        .filter(article_authors__author=author)
        .for_listing()
    )
    return render(
        request,
        "newsroom/author_detail.html",
        {"author": author, "articles": paginate(request, articles)},
    )


@require_GET
def tag_detail(request, slug: str):
    tag = get_object_or_404(Tag, slug=slug)
    articles = (
        ArticlePage.objects.published(_site(request)).filter(tags=tag).for_listing()
    )
    page = paginate(request, articles)
    if not page.paginator.count:
        # A tag only used on drafts must not reveal that the drafts exist.
        return render(request, "404.html", status=404)
    return render(request, "newsroom/tag_detail.html", {"tag": tag, "articles": page})


def clean_query(raw: str) -> str:
    """The query as shown back: control characters dropped, spaces folded, capped."""
    text = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch
        for ch in raw
    )
    return " ".join(text.split())[: settings.NEWSROOM_SEARCH_MAX_QUERY]


def search_terms(query: str) -> str:
    """Only the words of a query.

    Full-text engines read quotes, stars and AND/OR/NOT as syntax; a reader who
    types them means the words.
    """
    return " ".join(word.lower() for word in re.findall(r"\w+", query))


@require_GET
def search(request):
    query = clean_query(request.GET.get("q", ""))
    results = None
    if query:
        articles = ArticlePage.objects.published(_site(request)).for_listing()
        terms = search_terms(query)
        found = articles.search(terms) if terms else articles.none()
        results = paginate(request, found)
    return render(request, "newsroom/search.html", {"query": query, "results": results})


def author_feed(request, slug: str, atom: bool = False):
    author = get_object_or_404(Author, slug=slug)
    feed = feeds.AuthorAtomFeed if atom else feeds.AuthorFeed
    return feed(author)(request)


def tag_feed(request, slug: str, atom: bool = False):
    tag = get_object_or_404(Tag, slug=slug)
    feed = feeds.TagAtomFeed if atom else feeds.TagFeed
    return feed(tag)(request)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())
