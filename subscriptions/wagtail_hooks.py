"""Subscriptions listen to the discussion (see discussion.extensions)."""

from __future__ import annotations

from wagtail import hooks

from discussion import extensions

from . import services

hooks.register(extensions.COMMENT_POSTED, services.comment_posted)
hooks.register(extensions.COMMENT_VISIBLE, services.comment_visible)
