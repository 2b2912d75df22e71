"""What the apps above the newsroom ask of it: is this a live article, what is
the site called, which names are the site's own, and "the content changed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail.models import Revision, Site

from pagecache.generations import CONTENT, PAGES, bump, version


@dataclass(frozen=True)
class ArticleRef:
    """What other apps need to know of a live article, cheap to keep in the cache."""

    pk: int
    url: str
    comments_enabled: bool
    comments_closed: bool
    rating_enabled: bool
    first_published_at: datetime | None
    # The accounts of the article's authors (Author.user), for rules such as
    # "nobody rates their own article".
    author_user_ids: frozenset[int] = frozenset()


_MISSING = "missing"


def live_article(article_id: int) -> ArticleRef | None:
    """The live, public article with this id, or None.

    Kept in the cache until anything is next published or unpublished, so the
    busiest endpoints (posting, voting) do not ask Wagtail's page tree each time.
    """
    from .models import ArticlePage

    key = f"newsroom:article:v2:{article_id}:{version(CONTENT)}"
    found = cache.get(key)
    if found is None:
        article = (
            ArticlePage.objects.live()
            .public()
            .filter(pk=article_id)
            .defer_streamfields()
            .first()
        )
        found = _MISSING if article is None else article_ref(article)
        cache.set(key, found, timeout=600)
    return None if found == _MISSING else found


def article_ref(article) -> ArticleRef:
    return ArticleRef(
        pk=article.pk,
        url=article.url or "",
        comments_enabled=article.comments_enabled,
        comments_closed=article.comments_closed,
        rating_enabled=article.rating_enabled,
        first_published_at=article.first_published_at,
        author_user_ids=frozenset(
            author.user_id for author in article.authors if author.user_id
        ),
    )


def article_scope(article_id: int) -> str:
    """The page-cache scope of one article's pages (bump it when something only
    that article shows changes)."""
    return f"article:{article_id}"


def content_changed() -> None:
    """Something was published, unpublished, moved or re-set: every cached page
    and everything derived from the published content is stale, once the
    current transaction commits."""
    bump(CONTENT, PAGES)


def listings_changed() -> None:
    """Something every listing may show (a comment count) changed."""
    bump(PAGES)


def site_name() -> str:
    """The name the site calls itself (Settings → Site settings)."""
    from .models import SiteSettings

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.WAGTAIL_SITE_NAME
    return SiteSettings.for_site(site).name


def reserved_names() -> list[str]:
    """Names no reader may take: every site's name, every author's name and alias."""
    from .models import Author, SiteSettings

    names = list(SiteSettings.objects.values_list("name", flat=True))
    for name, alias in Author.objects.values_list("name", "alias"):
        names += [name, alias]
    return names


def set_comments_closed(*, article_id: int, closed: bool) -> str | None:
    """Closes an article's discussion (`closed`) or opens it again, on the live
    page and in its live and latest revisions, so that publishing the latest
    revision later keeps the choice. Returns the article's title, or None when
    there is no such article."""
    from .models import ArticlePage

    with transaction.atomic():
        article = (
            ArticlePage.objects.select_for_update()
            .filter(pk=article_id)
            .only("pk", "title", "comments_closed", "live_revision", "latest_revision")
            .first()
        )
        if article is None:
            return None
        ArticlePage.objects.filter(pk=article_id).update(comments_closed=closed)
        revisions = {article.live_revision_id, article.latest_revision_id} - {None}
        for revision in Revision.objects.filter(pk__in=revisions):
            if revision.content.get("comments_closed") != closed:
                revision.content = {**revision.content, "comments_closed": closed}
                revision.save(update_fields=["content"])
        content_changed()
    return article.title
