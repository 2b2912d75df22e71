"""What the moderation tests share: the demo site's authors and name, which
impersonation checks protect."""

from __future__ import annotations

import json

import pytest
from django.utils.text import slugify
from wagtail.models import Site

from moderation.classifier import LABELLED
from newsroom.models import Author, SiteSettings

# The demo site's authors (demo/content.py), as a test database would have them.
AUTHORS = (
    ("Noor Halvorsen", "Kestrel"),
    ("Tomasz Wierzbicki", ""),
    ("Zoë Marchetti", ""),
    ("Elias Achterberg", ""),
)


@pytest.fixture
def newsroom_names(db) -> None:
    """The demo site's name and authors."""
    for name, alias in AUTHORS:
        Author.objects.create(name=name, alias=alias, slug=slugify(name))
    SiteSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"name": "Global News"}
    )


def labelled_file(name: str) -> list[dict]:
    """The comments of one file of data/labelled/ (see test_labelled.py)."""
    with open(LABELLED / f"{name}.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def labelled_comments() -> list[dict]:
    """The labelled comments the lists and rules were first tuned on."""
    return labelled_file("tuned")


def heldout_comments() -> list[dict]:
    """The held-out comments (see test_labelled.py)."""
    return labelled_file("heldout")
