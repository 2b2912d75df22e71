"""The privacy pages: ask for a link, then see, download or erase one's data.

Asking answers the same page whatever the address (only a malformed one is
refused, with the reason). Opening the mailed link (GET) changes nothing: mail
scanners open links. Downloading and erasing are POSTs; erasing asks once more,
saying plainly what will happen, before it does anything.
"""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.network import client_ip, ip_network_key

from . import services

FAILURE_STATUS = {"invalid": 400, "expired": 410, "used": 409}


class AskForm(forms.Form):
    email = forms.CharField(
        label="E-mail address",
        help_text="The address you gave with your comments or subscriptions, or "
        "the one you signed up with.",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "max_length": "An e-mail address has at most 254 characters.",
        },
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def clean_email(self) -> str:
        try:
            return services.clean_address(self.cleaned_data["email"])
        except services.PrivacyError as error:
            raise forms.ValidationError(next(iter(error.errors.values()))) from None


def _page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {
        "retention_days": settings.PRIVACY_RETENTION_DAYS,
        "valid_hours": settings.PRIVACY_LINK_MAX_AGE // 3600,
        **context,
    }
    return render(request, f"privacy/{template}.html", context, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "ask", {"form": AskForm()})
    form = AskForm(request.POST)
    if not form.is_valid():
        return _page(request, "ask", {"form": form}, status=400)
    limit = services.per_ip_limit()
    client = ip_network_key(client_ip(request))
    retry_after = limit.hit(client)
    if retry_after is not None:
        return _page(
            request,
            "ask",
            {"form": form, "retry_after": retry_after},
            status=429,
        )
    services.request_link(email=form.cleaned_data["email"])
    return _page(request, "sent", {})


@login_required
@require_POST
def mine(request: HttpRequest) -> HttpResponse:
    """A signed-in member's shortcut from their account page: straight to the
    page the mailed link opens, for their own address."""
    try:
        token = services.member_token(request.user)
    except services.PrivacyError as error:
        return _page(
            request,
            "ask",
            {"form": AskForm(), "problem": next(iter(error.errors.values()))},
            status=error.status,
        )
    return redirect("privacy:link", token=token)


def _failed(request: HttpRequest, failure: services.LinkFailed) -> HttpResponse:
    return _page(
        request,
        "link_failed",
        {"reason": failure.reason},
        status=FAILURE_STATUS[failure.reason],
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = services.check_link(token=token)
    except services.LinkFailed as failure:
        return _failed(request, failure)
    return _page(
        request,
        "link",
        {
            "email": person.email,
            "summary": services.summarise(person),
            "token": token,
        },
    )


@never_cache
@require_POST
def download(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = services.check_link(token=token)
    except services.LinkFailed as failure:
        return _failed(request, failure)
    data = services.export(person)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@never_cache
@require_POST
def erase(request: HttpRequest, token: str) -> HttpResponse:
    mode = request.POST.get("mode", "")
    try:
        person = services.check_link(token=token)
        if mode not in services.MODES:
            return _page(
                request,
                "link",
                {
                    "email": person.email,
                    "summary": services.summarise(person),
                    "token": token,
                    "mode_error": "Choose what should happen to your comments.",
                },
                status=400,
            )
        if request.POST.get("confirm") != "yes":
            return _page(
                request,
                "confirm",
                {
                    "email": person.email,
                    "summary": services.summarise(person),
                    "token": token,
                    "mode": mode,
                },
            )
        done = services.erase(token=token, mode=mode)
    except services.LinkFailed as failure:
        return _failed(request, failure)
    return _page(request, "erased", {"done": done, "email": person.email})
