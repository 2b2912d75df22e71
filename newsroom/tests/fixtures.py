"""Fixtures that build a small newsroom: a home page, sections, authors, articles."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
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
from tests.shared import is_transactional, module_items, uses_database

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


def build_home_page() -> HomePage:
    """The front page "Global News", the default site's root, with its settings."""
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


def make_author() -> Author:
    return Author.objects.create(
        name="Ada Quill",
        slug="ada-quill",
        alias="The Owl",
        role="Security editor",
        bio="Ada covers security policy across South Asia.",
        links=[("link", {"label": "Website", "url": "https://example.org/ada"})],
    )


# --- The site a module's tests share ---------------------------------------------
# A module in which every test that uses the database uses the home page, the
# section or the author builds them once, inside the module's transaction
# (tests/shared.py); no test sees a site it did not ask for. In other modules, and
# where a test commits, each test builds its own.

SITE_FIXTURES = {"home_page", "section", "author", "shared_site"}
_modules_sharing_a_site: dict = {}


@dataclass(frozen=True)
class SharedSite:
    home: int
    section: int
    author: int


def shares_site(request) -> bool:
    """Whether the requesting test's module builds its site once."""
    if request.path not in _modules_sharing_a_site:
        items = [item for item in module_items(request) if uses_database(item)]
        _modules_sharing_a_site[request.path] = bool(items) and all(
            SITE_FIXTURES & set(item.fixturenames) and not is_transactional(item)
            for item in items
        )
    return _modules_sharing_a_site[request.path]


@pytest.fixture(scope="module")
def shared_site(module_db) -> SharedSite:
    with module_db.build():
        home = build_home_page()
        section = make_section(home, "Analysis")
        author = make_author()
    return SharedSite(home=home.pk, section=section.pk, author=author.pk)


@pytest.fixture(scope="module", autouse=True)
def _site_shared_by_the_module(request):
    # Built before the module's first test, so every test of the module sees the
    # same database, whichever runs first.
    if shares_site(request):
        request.getfixturevalue("shared_site")


@pytest.fixture
def home_page(request, db) -> HomePage:
    if not shares_site(request):
        return build_home_page()
    cache.clear()
    return HomePage.objects.get(pk=request.getfixturevalue("shared_site").home)


@pytest.fixture
def section(request, home_page) -> SectionPage:
    if not shares_site(request):
        return make_section(home_page, "Analysis")
    return SectionPage.objects.get(pk=request.getfixturevalue("shared_site").section)


@pytest.fixture
def author(request, db) -> Author:
    if not shares_site(request):
        return make_author()
    return Author.objects.get(pk=request.getfixturevalue("shared_site").author)


def paragraphs(n: int, words: int = 40) -> list:
    text = " ".join(["word"] * words)
    return [("paragraph", f"<p>{text} {i}</p>") for i in range(n)]


def headings(*texts: str) -> list:
    blocks = []
    for text in texts:
        blocks.append(("heading", {"text": text, "level": "h2"}))
        blocks.extend(paragraphs(1))
    return blocks


def create_article(
    section: SectionPage,
    author: Author,
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
    """An article in `section` (or `parent`) by `author`; published unless told
    otherwise."""
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


@pytest.fixture
def make_article(section, author):
    """Creates an article in the section, by the author; published unless told
    otherwise."""
    return functools.partial(create_article, section, author)


@pytest.fixture
def private_article(make_article):
    article = make_article("Members only briefing")
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    return article
