"""Fixtures that build a small newsroom: a home page, sections, authors, articles."""

from __future__ import annotations

import itertools
from datetime import timedelta
from io import BytesIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, PageViewRestriction, Site

from newsroom.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    HomePage,
    SectionPage,
    SiteSettings,
)

_counter = itertools.count(1)


def image_bytes(size=(320, 180), colour=(120, 20, 30), fmt="JPEG") -> bytes:
    out = BytesIO()
    PILImage.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def make_image(title="Picture", description="A red rectangle"):
    return get_image_model().objects.create(
        title=title,
        description=description,
        file=ImageFile(BytesIO(image_bytes()), name=f"img{next(_counter)}.jpg"),
    )


def _recreate_wagtail_roots() -> Page:
    """Transactional tests flush the rows Wagtail's migrations made; put them back."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    return Page.add_root(title="Root", slug="root")


@pytest.fixture
def home_page(db) -> HomePage:
    cache.clear()
    root = Page.get_first_root_node() or _recreate_wagtail_roots()
    home = root.add_child(instance=HomePage(title="Global News", slug="front"))
    home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "testserver", "port": 80, "root_page": home},
    )
    site = Site.objects.get(is_default_site=True)
    site_settings = SiteSettings.for_site(site)
    site_settings.name = "Global News"
    site_settings.tagline = "Redeem the Oppressed"
    site_settings.description = "Reporting on persecution, extremism and security."
    site_settings.save()
    return home


def make_section(home: HomePage, title: str) -> SectionPage:
    section = home.add_child(
        instance=SectionPage(title=title, slug=title.lower(), intro=f"All {title}.")
    )
    section.save_revision().publish()
    return section


@pytest.fixture
def section(home_page) -> SectionPage:
    return make_section(home_page, "Analysis")


@pytest.fixture
def author(db) -> Author:
    return Author.objects.create(
        name="Ada Quill",
        slug="ada-quill",
        alias="The Owl",
        role="Security editor",
        bio="Ada covers security policy across South Asia.",
        links=[("link", {"label": "Website", "url": "https://example.org/ada"})],
    )


def paragraphs(n: int, words: int = 40) -> list:
    text = " ".join(["word"] * words)
    return [("paragraph", f"<p>{text} {i}</p>") for i in range(n)]


def headings(*texts: str) -> list:
    blocks = []
    for text in texts:
        blocks.append(("heading", {"text": text, "level": "h2"}))
        blocks.extend(paragraphs(1))
    return blocks


@pytest.fixture
def make_article(section, author):
    """Creates an article; published unless told otherwise."""

    def make(
        title: str = "",
        *,
        parent: SectionPage | None = None,
        body: list | None = None,
        authors: list[Author] | None = None,
        tags: list[str] = (),
        days_ago: int = 1,
        publish: bool = True,
        image: bool = False,
        **fields,
    ) -> ArticlePage:
        n = next(_counter)
        title = title or f"Article number {n}"
        article = ArticlePage(
            title=title,
            slug=fields.pop("slug", f"article-{n}"),
            standfirst=fields.pop("standfirst", f"Standfirst of {title}."),
            body=body if body is not None else paragraphs(2),
            featured_image=make_image() if image else None,
            live=False,
            **fields,
        )
        for order, person in enumerate(authors or [author]):
            article.article_authors.add(ArticleAuthor(author=person, sort_order=order))
        if tags:
            article.tags.add(*tags)
        (parent or section).add_child(instance=article)
        revision = article.save_revision()
        if publish:
            revision.publish()
            when = timezone.now() - timedelta(days=days_ago)
            ArticlePage.objects.filter(pk=article.pk).update(
                first_published_at=when, last_published_at=when
            )
            article.refresh_from_db()
        return article

    return make


@pytest.fixture
def private_article(make_article):
    article = make_article("Members only briefing")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    return article
