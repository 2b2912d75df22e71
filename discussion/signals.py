"""Wagtail's signals the discussion listens to: the one way to hear of every
publication. Each handler only calls a service."""

from __future__ import annotations

from newsroom.models import ArticlePage

from . import services


def passages_follow_the_text(sender, instance, revision=None, **kwargs) -> None:
    """A new version of an article is live: the editors' questions are read from
    it, and readers' passages are looked for in it."""
    if isinstance(instance, ArticlePage):
        services.place_questions(article=instance, revision=revision)
        services.reanchor_passages(article=instance, revision=revision)
