"""The comment form: what a reader fills in, plus two traps for robots."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing

from .models import LARGEST_ID

_SALT = "discussion.form"


def form_stamp() -> str:
    """A signed time the form was rendered, to spot forms filled in too fast."""
    return signing.dumps(int(time.time()), salt=_SALT)


class CommentForm(forms.Form):
    """Parses a submitted comment; the rules themselves live in services.

    The labels are the ones the form shows when it comes back with errors, and
    name the fields in the list of what went wrong.
    """

    body = forms.CharField(
        label="Your comment", required=False, strip=False, widget=forms.Textarea
    )
    parent_id = forms.IntegerField(required=False, min_value=1, max_value=LARGEST_ID)
    name = forms.CharField(label="Name", required=False, strip=False)
    email = forms.CharField(label="E-mail", required=False)
    website = forms.CharField(label="Website", required=False)
    # What to be told about by e-mail: none, replies or all (new comments).
    notify = forms.CharField(label="Notify me", required=False)
    # A comment about a passage: the words the reader selected (filled in by the
    # page's script), or a passage already there.
    passage_exact = forms.CharField(required=False, strip=False)
    passage_prefix = forms.CharField(required=False, strip=False)
    passage_suffix = forms.CharField(required=False, strip=False)
    passage_block = forms.CharField(required=False, max_length=200)
    passage_offset = forms.IntegerField(required=False, min_value=0)
    passage_id = forms.IntegerField(required=False, min_value=1)
    # Left empty by people (it is hidden from them), filled in by robots.
    homepage = forms.CharField(required=False)
    stamp = forms.CharField(required=False)

    def looks_automated(self) -> bool:
        if self.cleaned_data.get("homepage"):
            return True
        try:
            rendered = signing.loads(self.cleaned_data.get("stamp") or "", salt=_SALT)
        except signing.BadSignature:
            return True
        return time.time() - rendered < settings.DISCUSSION_MIN_FILL_SECONDS


class EditForm(forms.Form):
    body = forms.CharField(
        label="Your comment", required=False, strip=False, widget=forms.Textarea
    )


def field_label(name: str) -> str | None:
    """What the comment form calls a field; None for fields a reader never sees."""
    field = CommentForm.base_fields.get(name)
    return field.label if field else None
