"""The pages links in mail lead to: confirm, "my subscriptions", unsubscribe.

Opening a link (GET) never changes anything: mail scanners open links. Each page
has one button that does, by POST. The exception is the RFC 8058 one-click
unsubscribe, which mail programs POST to the List-Unsubscribe address without
a page, a cookie or a CSRF token; it does nothing unless the body says
`List-Unsubscribe=One-Click`, and it can only stop mail.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.network import client_ip, ip_network_key
from discussion.models import Comment
from discussion.readers import forgery_refusal
from newsroom.services import live_article

from . import services
from .api import NEUTRAL, per_ip_limit

FAILURE_STATUS = {"invalid": 400, "expired": 410, "used": 409}


def _failed(request: HttpRequest, failure: services.LinkFailed) -> HttpResponse:
    return render(
        request,
        "subscriptions/link_failed.html",
        {
            "reason": failure.reason,
            "valid_hours": settings.SUBSCRIPTIONS_CONFIRM_MAX_AGE // 3600,
        },
        status=FAILURE_STATUS[failure.reason],
    )


def _topics(subscriptions) -> list[dict]:
    return [
        {
            "pk": s.pk,
            "text": services.describe_topic(s.topic),
            "frequency": s.get_frequency_display(),
            "is_active": s.is_active,
        }
        for s in subscriptions
    ]


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            found = services.confirm(token=token)
            return render(
                request,
                "subscriptions/confirmed.html",
                {
                    "topics": _topics(found.subscriptions),
                    "manage_token": services.manage_token(found.address),
                },
            )
        found = services.check_confirmation(token=token)
    except services.LinkFailed as failure:
        return _failed(request, failure)
    return render(
        request,
        "subscriptions/confirm.html",
        {"topics": _topics(found.subscriptions), "email": found.address.email},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        address = services.address_for_manage(token=token)
    except services.LinkFailed as failure:
        return _failed(request, failure)
    if request.method == "POST":
        which = request.POST.get("stop", "")
        if which == "all":
            services.stop(address=address)
        elif which.isascii() and which.isdigit():
            services.stop(address=address, subscription_id=int(which))
        else:
            return HttpResponse("Say which subscription to stop.", status=400)
        return redirect("subscriptions:manage", token=token)
    subscriptions = address.subscriptions.filter(stopped_at__isnull=True).order_by("pk")
    return render(
        request,
        "subscriptions/manage.html",
        {"email": address.email, "topics": _topics(subscriptions)},
    )


@csrf_exempt  # RFC 8058: mail programs POST here without a token (see above)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            if request.POST.get("List-Unsubscribe") != "One-Click":
                return render(
                    request,
                    "subscriptions/unsubscribe.html",
                    {"bad_request": True},
                    status=400,
                )
            found = services.unsubscribe(token=token)
            done = True
        else:
            found = services.check_unsubscribe(token=token)
            done = False
    except services.LinkFailed as failure:
        return _failed(request, failure)
    return render(
        request,
        "subscriptions/unsubscribe.html",
        {
            "done": done,
            "email": found.address.email,
            "what": services.describe_topic(found.subscription.topic)
            if found.subscription
            else "",
            "manage_token": services.manage_token(found.address),
        },
    )


@csrf_exempt  # checked as the discussion's forms are: by origin, or CSRF if signed in
@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    """The "Subscribe" form above an article's discussion (works without a script).

    The same service, rate limit and neutral answer as the API: the page says the
    same whether the address is new, waiting or already confirmed."""
    email = request.POST.get("email", "")[:1000]
    topic = request.POST.get("topic", "")[:200]
    context = {"email": email, "article_url": ""}
    refusal = forgery_refusal(request)
    if refusal:
        return _subscribe_page(request, context, refusal["__all__"], 403)
    kind, _, article_id = topic.partition(":")
    if kind != "article" or not (article_id.isascii() and article_id.isdigit()):
        return _subscribe_page(request, context, "Choose what to subscribe to.", 400)
    retry_after = per_ip_limit().hit(ip_network_key(client_ip(request)))
    if retry_after is not None:
        problem = f"Too many requests. Please try again in {retry_after} seconds."
        return _subscribe_page(request, context, problem, 429)
    user = request.user if request.user.is_authenticated else None
    try:
        services.subscribe(email=email, topic=topic, user=user)
    except services.SubscriptionError as error:
        return _subscribe_page(request, context, str(error), error.status)
    return _subscribe_page(request, context, "", 200)


def _subscribe_page(request, context: dict, problem: str, status: int) -> HttpResponse:
    topic = request.POST.get("topic", "")
    article_id = topic.partition(":")[2]
    if article_id.isascii() and article_id.isdigit() and len(article_id) < 12:
        article = live_article(int(article_id))
        context["article_url"] = article.url if article else ""
    return render(
        request,
        "subscriptions/subscribe.html",
        {**context, "problem": problem, "neutral": NEUTRAL},
        status=status,
    )


# --- a member's own page (/accounts/, through accounts.extensions) ------------------
COMMENTS_PER_PAGE = 20


def account_subscriptions(request: HttpRequest) -> str:
    """The "Subscriptions" section of a member's page: each one stoppable."""
    return render_to_string(
        "subscriptions/account_subscriptions.html",
        {
            "topics": _topics(services.member_subscriptions(request.user)),
            "verified": bool(request.user.email_verified_at),
        },
        request=request,
    )


def account_comments(request: HttpRequest) -> str:
    """The "Comments" section of a member's page: what they wrote, newest first,
    a page at a time, each linked to its permalink. Withdrawn and deleted ones
    are left out; one awaiting moderation says so (only its author sees this)."""
    comments = (
        Comment.objects.filter(
            user=request.user,
            is_deleted=False,
            state__in=[Comment.State.PUBLISHED, Comment.State.PENDING],
        )
        .select_related("thread__article")
        .only(
            "pk",
            "body_source",
            "state",
            "created_at",
            "thread__article__title",
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("comments"))
    return render_to_string(
        "subscriptions/account_comments.html",
        {"page": page, "pending": Comment.State.PENDING},
        request=request,
    )


@login_required
@require_POST
def account_stop(request: HttpRequest) -> HttpResponse:
    """Stops one of the signed-in member's subscriptions, or all of them."""
    which = request.POST.get("stop", "")
    if which == "all":
        stopped = services.stop_for_member(user=request.user)
    elif which.isascii() and which.isdigit() and len(which) < 12:
        stopped = services.stop_for_member(
            user=request.user, subscription_id=int(which)
        )
    else:
        return HttpResponse("Say which subscription to stop.", status=400)
    if stopped:
        messages.success(
            request,
            "Subscription stopped." if stopped == 1 else "Every subscription stopped.",
        )
    return redirect(f"{reverse('accounts:account')}#subscriptions")
