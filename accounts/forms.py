"""Forms for signing up, signing in and getting back into an account.

None of them says whether an e-mail address is registered: sign-up and the two
"send me a link" forms accept any well-formed address, and sign-in names the
problem only once the password has proved who is asking.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html

from . import names, services
from .models import User

_EMAIL_ATTRS = {
    "autocomplete": "email",
    "autocapitalize": "none",
    "spellcheck": "false",
}


def _display_name_field() -> forms.CharField:
    """The display name, as sign-up and the account page ask for it."""
    return forms.CharField(
        label="Display name",
        help_text=(
            f"Shown with what you write. {names.DISPLAY_NAME_MIN_LENGTH} to "
            f"{names.DISPLAY_NAME_MAX_LENGTH} characters."
        ),
        error_messages={"required": "Enter a display name."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "nickname",
                "maxlength": names.DISPLAY_NAME_MAX_LENGTH,
            }
        ),
    )


def _email_field(help_text: str = "") -> forms.EmailField:
    return forms.EmailField(
        label="E-mail address",
        max_length=254,
        help_text=help_text,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.com.",
        },
        widget=forms.EmailInput(attrs=_EMAIL_ATTRS),
    )


def _password_help() -> str:
    """Short advice that follows the configured validators' minimum length."""
    lengths = [
        validator.min_length
        for validator in password_validation.get_default_password_validators()
        if isinstance(validator, password_validation.MinimumLengthValidator)
    ]
    start = f"At least {max(lengths)} characters. " if lengths else ""
    return (
        f"{start}Avoid common passwords, ones made only of numbers, and ones like "
        "your name or e-mail address."
    )


class SignUpForm(forms.Form):
    """A new reader's address, public name and password.

    Deliberately not a ModelForm: a ModelForm would check the unique e-mail
    constraint and say "already exists", which is what we must never say.
    """

    email = _email_field("We’ll send a link to confirm it. It’s never shown publicly.")
    display_name = _display_name_field()
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=_password_help(),
        error_messages={"required": "Choose a password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirm password",
        strip=False,
        error_messages={"required": "Type your password again."},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean_display_name(self) -> str:
        return names.validate_display_name(self.cleaned_data["display_name"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords don’t match.")
        elif password1:
            # Unsaved, for UserAttributeSimilarityValidator to compare with.
            candidate = User(
                email=cleaned.get("email", ""),
                display_name=cleaned.get("display_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ResendVerificationForm(forms.Form):
    """An address to send a new verification link to, if it is waiting for one."""

    email = _email_field()


class LoginForm(auth_forms.AuthenticationForm):
    """Sign in with an e-mail address (readers) or a username (staff).

    An unverified reader who gives the right password is told to verify, with a
    link to get a new e-mail; anyone else gets the same "don't match" error, so the
    form tells strangers nothing about which accounts exist.
    """

    username = auth_forms.UsernameField(
        label="E-mail address or username",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter your e-mail address."},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": (
            "That e-mail address and password don’t match an account. "
            "Check both and try again."
        ),
        "inactive": "This account has been switched off. Contact the editors.",
    }

    def _find_user(self, identifier: str) -> User | None:
        if "@" in identifier:
            user = User.objects.filter(email__iexact=identifier).first()
            if user is not None:
                return user
        return User.objects.filter(username=identifier).first()

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            user = self._find_user(identifier)
            self.user_cache = authenticate(
                self.request,
                username=user.username if user else identifier,
                password=password,
            )
            if self.user_cache is None:
                # Django's backend refuses inactive users without checking the
                # password; check it here, so only the owner learns the reason.
                if user and not user.is_active and user.check_password(password):
                    if user.awaits_verification:
                        raise ValidationError(
                            format_html(
                                "You need to confirm your e-mail address before "
                                "you can sign in: follow the link in the e-mail we "
                                'sent you, or <a href="{}">get a new link</a>.',
                                reverse("accounts:resend"),
                            ),
                            code="unverified",
                        )
                    raise ValidationError(
                        self.error_messages["inactive"], code="inactive"
                    )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, with our wording and our mail path (task worker)."""

    email = _email_field()

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        if services.MAIL_PER_ADDRESS.hit(to_email.lower()) is not None:
            return
        link = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        context = {
            **context,
            "display_name": context["user"].public_name,
            "link": services.absolute_url(link),
        }
        services.queue_rendered_email(
            to=to_email,
            subject=render_to_string(subject_template_name, context),
            text=render_to_string(email_template_name, context),
            html=render_to_string(html_email_template_name, context)
            if html_email_template_name
            else "",
        )


class ProfileForm(forms.Form):
    """The name a member shows with what they write, checked as at sign-up."""

    display_name = _display_name_field()

    def clean_display_name(self) -> str:
        return names.validate_display_name(self.cleaned_data["display_name"])


class NotificationDefaultsForm(forms.Form):
    """What a member's comments and new subscriptions start with."""

    comment_notify = forms.ChoiceField(
        label="When I comment, e-mail me",
        choices=User.CommentNotify.choices,
        widget=forms.RadioSelect,
        help_text="Chosen first on the comment form; you can change it each time.",
        error_messages={"required": "Choose what to be told about."},
    )
    article_frequency = forms.ChoiceField(
        label="New articles I follow",
        choices=User.ArticleFrequency.choices,
        widget=forms.RadioSelect,
        help_text="For the sections, authors or whole site you start following.",
        error_messages={"required": "Choose how often."},
    )
