"""What the moderation tests share: the demo site's authors and name, which
impersonation checks protect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils.text import slugify
from wagtail.models import Site

from newsroom.models import Author, SiteSettings

DATA = Path(__file__).parent / "data"

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


def labelled_comments() -> list[dict]:
    """The labelled comments in data/comments.jsonl."""
    with open(DATA / "comments.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def heldout_comments() -> list[dict]:
    """The held-out comments in data/heldout.jsonl (see test_labelled.py)."""
    with open(DATA / "heldout.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]
