"""Wagtail's signal that subscriptions listen to: the one way to hear of every
publication (the admin, scheduled publishing, `revision.publish()` in code).
The handler only calls a service."""

from __future__ import annotations

from newsroom.models import ArticlePage

from . import services


def article_published(sender, instance, revision=None, **kwargs) -> None:
    """An article went live; readers hear of it the first time only.

    Wagtail sets `first_published_at` and `last_published_at` to the same moment
    when a page is published for the first time, and only then: an edit, or a
    page unpublished and published again, keeps the first date.
    """
    if not isinstance(instance, ArticlePage):
        return
    first, last = instance.first_published_at, instance.last_published_at
    if first is not None and first == last:
        services.article_published(article=instance)
