"""Readers' account pages: sign up, verify, sign in and out, reset a password.

Views parse and answer; `accounts.services` decides. Sign-in, sign-out and password
reset are Django's own views with our templates, wording and mail.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from . import extensions, services
from .forms import (
    LoginForm,
    NotificationDefaultsForm,
    PasswordResetForm,
    ProfileForm,
    ResendVerificationForm,
    SignUpForm,
)
from .network import client_ip, ip_network_key
from .ratelimit import RateLimit

# The session key under which "check your inbox" remembers the address typed, so
# the page can show it (the reader typed it; it reveals nothing to them).
CHECK_INBOX_SESSION_KEY = "accounts_check_inbox"


def _limit(scope: str) -> RateLimit:
    # Read per request, so settings (and tests) can change them.
    return RateLimit(
        scope,
        limit=getattr(settings, "ACCOUNTS_RATE_LIMIT", 5),
        period=getattr(settings, "ACCOUNTS_RATE_PERIOD", 3600),
    )


def _client(request: HttpRequest) -> str:
    return ip_network_key(client_ip(request))


def rate_limited(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 Too Many Requests, with Retry-After and a page a person can read."""
    response = render(
        request,
        "accounts/rate_limited.html",
        {"minutes": max(1, round(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` if it stays on this site and leads somewhere else, else ""."""
    if (
        url
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and urlsplit(url).path != request.path
    ):
        return url
    return ""


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """The sign-up form; a valid one creates an inactive account and mails a link."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        limit, client = _limit("accounts-signup"), _client(request)
        if (retry_after := limit.hit(client)) is not None:
            return rate_limited(request, retry_after)
        form = SignUpForm(request.POST)
        if form.is_valid():
            services.sign_up(
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
                next_url=next_url,
            )
            request.session[CHECK_INBOX_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("accounts:signup_done")
        # A typo should not use up the hour's attempts, but trying names should:
        # reserved names include staff usernames, which must not be probed freely.
        if not form.has_error("display_name", "reserved"):
            limit.refund(client)
    else:
        form = SignUpForm()
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def _check_inbox(request: HttpRequest, *, resent: bool) -> HttpResponse:
    return render(
        request,
        "accounts/check_inbox.html",
        {
            "email": request.session.get(CHECK_INBOX_SESSION_KEY, ""),
            "resent": resent,
            "valid_hours": settings.ACCOUNTS_VERIFY_MAX_AGE // 3600,
        },
    )


@never_cache
def signup_done(request: HttpRequest) -> HttpResponse:
    """The "check your inbox" page after any accepted sign-up, new address or not."""
    return _check_inbox(request, resent=False)


@never_cache
def resend_done(request: HttpRequest) -> HttpResponse:
    """The "check your inbox" page after any accepted request for a new link."""
    return _check_inbox(request, resent=True)


@never_cache
@require_http_methods(["GET"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: activates the account and signs the reader in.

    GET only: a HEAD from a mail client's link checker must not use the link up.
    """
    try:
        user, next_url = services.verify_email(token=token)
    except services.VerificationFailed as failure:
        return render(
            request,
            "accounts/verify_failed.html",
            {
                "reason": failure.reason,
                "resend_form": ResendVerificationForm(auto_id="resend_%s"),
                "valid_hours": settings.ACCOUNTS_VERIFY_MAX_AGE // 3600,
            },
            status=400,
        )
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    request.session.pop(CHECK_INBOX_SESSION_KEY, None)
    messages.success(
        request,
        f"Welcome, {user.public_name}: your e-mail address is confirmed and you’re "
        "signed in.",
    )
    return redirect(
        _safe_next(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)
    )


@require_http_methods(["GET", "HEAD", "POST"])
def resend(request: HttpRequest) -> HttpResponse:
    """Asks for a new verification link; answers the same for any address."""
    if request.method == "POST":
        limit, client = _limit("accounts-resend"), _client(request)
        if (retry_after := limit.hit(client)) is not None:
            return rate_limited(request, retry_after)
        form = ResendVerificationForm(request.POST)
        if form.is_valid():
            services.resend_verification(email=form.cleaned_data["email"])
            request.session[CHECK_INBOX_SESSION_KEY] = form.cleaned_data["email"]
            return redirect("accounts:resend_done")
        limit.refund(client)
    else:
        form = ResendVerificationForm()
    return render(request, "accounts/resend.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's sign-in with our form (e-mail or username) and template.

    `?next=` is Django's: followed only when it stays on this site.
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        # "?next=/accounts/login/" (a sign-in link made on this very page) would
        # send a signed-in reader round in a loop, which Django answers with a 500.
        return _safe_next(self.request, super().get_redirect_url())


class LogoutView(auth_views.LogoutView):
    """Django's sign-out: POST only (a link or a prefetch cannot sign anyone out)."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You’ve signed out.")
        return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in reader's own page: their name (editable), their notification
    defaults, the way out, and what the apps above add (accounts.extensions:
    their subscriptions, their comments)."""
    user = request.user
    profile = ProfileForm(
        initial={"display_name": user.display_name or user.public_name},
        prefix="profile",
    )
    defaults = NotificationDefaultsForm(
        initial={
            "comment_notify": user.comment_notify_default,
            "article_frequency": user.article_frequency,
        },
        prefix="defaults",
    )
    status = 200
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "profile":
            profile = ProfileForm(request.POST, prefix="profile")
            if profile.is_valid():
                services.update_profile(
                    user=user, display_name=profile.cleaned_data["display_name"]
                )
                messages.success(request, "Your display name is saved.")
                return redirect(f"{resolve_url('accounts:account')}#profile")
        elif which == "defaults":
            defaults = NotificationDefaultsForm(request.POST, prefix="defaults")
            if defaults.is_valid():
                services.set_notification_defaults(user=user, **defaults.cleaned_data)
                messages.success(request, "Your notification defaults are saved.")
                return redirect(f"{resolve_url('accounts:account')}#notifications")
        else:
            return HttpResponse("Say which form you sent.", status=400)
        status = 400
    return render(
        request,
        "accounts/account.html",
        {
            "profile_form": profile,
            "defaults_form": defaults,
            "sections": extensions.account_sections(request),
        },
        status=status,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's "forgot password" form, rate-limited, with links on SITE_URL."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetForm
    subject_template_name = "emails/accounts/password_reset_subject.txt"
    email_template_name = "emails/accounts/password_reset.txt"
    html_email_template_name = "emails/accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        limit, client = _limit("accounts-password-reset"), _client(request)
        if (retry_after := limit.hit(client)) is not None:
            return rate_limited(request, retry_after)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form was invalid
            limit.refund(client)
        return response

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        # Set per request: the link must use SITE_URL's scheme and host, never the
        # Host header of whoever asked (which an attacker can choose).
        site = urlsplit(settings.SITE_URL)
        self.domain_override = site.netloc
        self.extra_email_context = {
            "protocol": site.scheme,
            "site_url": settings.SITE_URL,
            "site_name": services.site_name(),
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class _ResetLinkLifetime:
    """Tells the template how long a reset link works."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_hours"] = settings.PASSWORD_RESET_TIMEOUT // 3600
        return context


class PasswordResetDoneView(_ResetLinkLifetime, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_ResetLinkLifetime, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
