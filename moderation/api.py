"""Moderation in the JSON API: readers report comments; moderators decide.

The same CSRF rules as the discussion's API (header `X-CSRFToken`)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from discussion.api import _require_csrf
from discussion.readers import Reader

from . import services

router = Router(tags=["moderation"])


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ReportIn(Strict):
    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: str = Field("", max_length=2000)


class ReportOut(Schema):
    reported: bool
    detail: str


class DecisionIn(Strict):
    action: Literal["approve", "reject", "spam", "pin", "unpin"]
    reason: str = Field("", max_length=2000)


class DecisionOut(Schema):
    id: int
    state: str
    pinned: bool


@router.post(
    "/comments/{comment_id}/report",
    response=ReportOut,
    summary="Report a comment to the moderators (once per reader)",
)
def report(request, comment_id: int, payload: ReportIn, response: HttpResponse):
    _require_csrf(request)
    reader = Reader.from_request(request)
    services.report(
        comment_id=comment_id, reader=reader, reason=payload.reason, note=payload.note
    )
    reader.remember(response)
    return {
        "reported": True,
        "detail": "Thank you. A moderator will look at this comment.",
    }


@router.post(
    "/moderation/comments/{comment_id}",
    response=DecisionOut,
    summary="Moderators: approve, reject, mark as spam, pin or unpin a comment",
)
def decide(request, comment_id: int, payload: DecisionIn):
    _require_csrf(request)
    if not services.is_moderator(request.user):
        raise services.Forbidden("Only moderators can do that.")
    comment = services.decide(
        comment_id=comment_id,
        action=payload.action,
        moderator=request.user,
        reason=payload.reason,
    )
    return {"id": comment.pk, "state": comment.state, "pinned": bool(comment.pinned_at)}
