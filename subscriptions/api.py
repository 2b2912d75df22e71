"""POST /api/v1/subscriptions: the same service and rules as every other way in.

CSRF as in the discussion's API: every write needs the token (`X-CSRFToken`).
The answer is the same 202 whether the address is new, pending, confirmed or
already following the topic; only a malformed address or a topic that does
not exist is refused, which says nothing about anyone.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from accounts.network import client_ip, ip_network_key
from accounts.ratelimit import RateLimit

from . import services

router = Router(tags=["subscriptions"])

NEUTRAL = (
    "Thank you. If this address can receive mail from us, a message will follow: "
    "the first time, a link to confirm the subscription."
)


class SubscribeIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    email: str = Field(max_length=1000)
    topic: str = Field(max_length=200)
    # Unsaid: a signed-in member's default (their account page), else instant.
    frequency: Literal["instant", "daily"] | None = None


class Accepted(Schema):
    detail: str


def _require_csrf(request: HttpRequest) -> None:
    refusal = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
        request, None, (), {}
    )
    if refusal is not None:
        raise HttpError(403, "CSRF token missing or incorrect: send X-CSRFToken.")


def per_ip_limit() -> RateLimit:
    return RateLimit(
        "subscriptions-ip",
        limit=settings.SUBSCRIPTIONS_REQUESTS_PER_HOUR_PER_IP,
        period=3600,
    )


@router.post(
    "/subscriptions",
    response={202: Accepted},
    summary="Subscribe an address to a topic (confirmed by a link mailed to it)",
)
def subscribe(request, payload: SubscribeIn):
    _require_csrf(request)
    retry_after = per_ip_limit().hit(ip_network_key(client_ip(request)))
    if retry_after is not None:
        raise services.SubscriptionError(
            f"Too many requests. Please try again in {retry_after} seconds.",
            status=429,
        )
    user = request.user if request.user.is_authenticated else None
    services.subscribe(
        email=payload.email,
        topic=payload.topic,
        frequency=payload.frequency,
        user=user,
    )
    return Status(202, {"detail": NEUTRAL})


def subscription_error_handler(request, exc: services.SubscriptionError, api):
    return api.create_response(
        request, {"detail": str(exc), "errors": exc.errors}, status=exc.status
    )
