"""What the newsroom publishes: the home page, sections, articles and their authors."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, PageManager, Site
from wagtail.query import PageQuerySet
from wagtail.search import index

from pagecache.middleware import cacheable

from . import extensions
from .blocks import ArticleBodyBlock, LinkBlock, SocialLinkBlock
from .services import article_scope, content_changed

if TYPE_CHECKING:
    from django.http import HttpRequest


class ShownOnManyPages:
    """A model whose rows many pages show (the site's identity, bylines): saving
    or deleting one makes every cached page stale, once the change commits."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        content_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        content_changed()
        return result


@register_setting(icon="site")
class SiteSettings(ShownOnManyPages, BaseSiteSetting):
    """The site's identity: what the header, feeds and share cards say."""

    name = models.CharField(max_length=100, default="Global News")
    tagline = models.CharField(max_length=150, blank=True)
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences for search engines and feed readers.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown on social networks for pages without an image of their own.",
    )
    social_links = StreamField(
        [("link", SocialLinkBlock())], blank=True, use_json_field=True
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("description"),
        FieldPanel("logo"),
        FieldPanel("default_share_image"),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = "site settings"


def newsroom_accounts() -> Q:
    """Accounts that may sign in to the Wagtail admin: the people who write and
    edit (superusers, and members of a group with admin access), not every
    reader who signed up."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    in_admin_groups = get_user_model().groups.through.objects.filter(
        group__permissions__in=admin_access
    )
    return Q(is_active=True) & (
        Q(is_superuser=True) | Q(pk__in=in_admin_groups.values("user_id"))
    )


class Author(ShownOnManyPages, index.Indexed, models.Model):
    """A writer with a public profile page listing their articles."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=False)
    alias = models.CharField(
        max_length=120, blank=True, help_text="Another name the author is known by."
    )
    role = models.CharField(max_length=120, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    bio = models.TextField(blank=True)
    links = StreamField([("link", LinkBlock())], blank=True, use_json_field=True)
    # Bylines name Author snippets, not accounts; this link is how the site knows
    # that a signed-in reader wrote an article (they may not rate their own).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        limit_choices_to=newsroom_accounts,
        verbose_name="account",
        help_text="The account this author signs in with, if any (one with "
        "access to this admin). It cannot rate the author's own articles.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("alias"),
        FieldPanel("role"),
        FieldPanel("photo"),
        FieldPanel("bio"),
        FieldPanel("links"),
        FieldPanel("user"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("alias"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:author", args=[self.slug])


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "newsroom.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticleQuerySet(PageQuerySet):
    def published(self, site: Site | None = None) -> ArticleQuerySet:
        """Live articles anyone may read; drafts, scheduled and private ones never."""
        qs = self.live().public()
        if site is not None:
            qs = qs.descendant_of(site.root_page, inclusive=True)
        return qs.order_by("-first_published_at", "-pk")

    def for_listing(self) -> ArticleQuerySet:
        """Everything a teaser shows, fetched in a fixed number of queries."""
        qs = self.select_related("featured_image").prefetch_related(
            "featured_image__renditions",
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by(
                    "sort_order"
                ),
            ),
        )
        for extend in extensions.get(extensions.LISTING_QUERYSET):
            qs = extend(qs)
        return qs


ArticleManager = PageManager.from_queryset(ArticleQuerySet)


def attach_sections(articles: list[ArticlePage]) -> list[ArticlePage]:
    """Gives each article its section from one query, for teasers that show it."""
    parent_paths = {article.path[: -Page.steplen] for article in articles}
    sections = {s.path: s for s in SectionPage.objects.filter(path__in=parent_paths)}
    for article in articles:
        article.__dict__["section"] = sections.get(article.path[: -Page.steplen])
    return articles


def paginate(
    request: HttpRequest, queryset, per_page: int | None = None
) -> PaginatorPage:
    """The page of `queryset` named by ?page=; a bad or too-large number is a 404."""
    paginator = Paginator(queryset, per_page or settings.NEWSROOM_PAGE_SIZE)
    number = request.GET.get("page", "1")
    if not (number.isascii() and number.isdigit()) or not 1 <= int(number) <= max(
        paginator.num_pages, 1
    ):
        raise Http404("No such page")
    return paginator.page(int(number))


class CachedPageMixin:
    """Pages that look the same to every anonymous reader, so may be cached."""

    def serve(self, request, *args, **kwargs):
        cacheable(request, scope=self.cache_scope())
        return super().serve(request, *args, **kwargs)

    def cache_scope(self) -> str | None:
        """What, besides any page, makes this page stale when bumped."""
        return None


class HomePage(CachedPageMixin, Page):
    """The front page: a lead story, the latest articles and a block per section."""

    lead_story = models.ForeignKey(
        "newsroom.ArticlePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Leave empty to lead with the newest article.",
    )

    content_panels = [*Page.content_panels, FieldPanel("lead_story")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["newsroom.SectionPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        site = self.get_site()
        articles = ArticlePage.objects.published(site).for_listing()
        latest = attach_sections(list(articles[:9]))
        lead = self.lead_story if self.lead_story and self.lead_story.live else None
        if lead is not None:
            lead = next((a for a in latest if a.pk == lead.pk), None) or next(
                iter(attach_sections(list(articles.filter(pk=lead.pk)))), None
            )
        lead = lead or (latest[0] if latest else None)
        shown = {lead.pk} if lead else set()
        context["lead_article"] = lead
        context["latest"] = [a for a in latest if a.pk not in shown][:6]
        sections = list(SectionPage.objects.child_of(self).live().public())
        context["section_blocks"] = [
            (section, section.latest_articles(exclude=shown)) for section in sections
        ]
        return context


class SectionPage(CachedPageMixin, RoutablePageMixin, Page):
    """A section such as Analysis: a paginated listing of its articles, with feeds."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["newsroom.HomePage"]
    subpage_types = ["newsroom.ArticlePage"]

    def articles(self) -> ArticleQuerySet:
        return ArticlePage.objects.child_of(self).published()

    def latest_articles(self, exclude=(), count: int = 4) -> list[ArticlePage]:
        return list(self.articles().exclude(pk__in=exclude).for_listing()[:count])

    @path("")
    def listing(self, request):
        page = paginate(request, self.articles().for_listing())
        return self.render(request, context_overrides={"articles": page})

    @path("feed/")
    def rss_feed(self, request):
        from .feeds import SectionFeed

        return SectionFeed(self)(request)

    @path("feed/atom/")
    def atom_feed(self, request):
        from .feeds import SectionAtomFeed

        return SectionAtomFeed(self)(request)


class ArticlePage(CachedPageMixin, Page):
    """One article: standfirst, featured image, a body of blocks, authors and source."""

    standfirst = models.TextField(
        max_length=400, help_text="The one- or two-sentence summary under the title."
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    featured_image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="What the image shows. Empty: the image's own description.",
    )
    featured_image_caption = models.CharField("caption", max_length=300, blank=True)
    featured_image_credit = models.CharField("credit", max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), use_json_field=True)
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the article is substantially updated after publication.",
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True)
    source_name = models.CharField(
        max_length=150,
        blank=True,
        help_text="For republished pieces: who published it first.",
    )
    source_url = models.URLField(blank=True)
    source_is_canonical = models.BooleanField(
        "point search engines to the source",
        default=False,
        help_text="Sets the source URL as this page's canonical URL.",
    )
    comments_enabled = models.BooleanField(
        default=True, help_text="Off: no discussion at all under this article."
    )
    comments_closed = models.BooleanField(
        default=False,
        help_text="Closed: the discussion stays visible, but nobody can add to it.",
    )
    rating_enabled = models.BooleanField(
        "ratings",
        default=True,
        help_text="Off: readers cannot rate this article, and no rating is shown.",
    )

    objects = ArticleManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("standfirst"),
        MultiFieldPanel(
            [
                FieldPanel("featured_image"),
                FieldPanel("featured_image_alt"),
                FieldPanel("featured_image_caption"),
                FieldPanel("featured_image_credit"),
            ],
            heading="Featured image",
        ),
        InlinePanel("article_authors", label="Author", min_num=1),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [
                FieldPanel("source_name"),
                FieldPanel("source_url"),
                FieldPanel("source_is_canonical"),
            ],
            heading="Source (republished articles)",
        ),
    ]
    settings_panels = [
        *Page.settings_panels,
        FieldPanel("updated_at"),
        FieldPanel("comments_enabled"),
        FieldPanel("comments_closed"),
        FieldPanel("rating_enabled"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("first_published_at"),
    ]
    parent_page_types = ["newsroom.SectionPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "article"

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        if self.source_is_canonical and not self.source_url:
            raise ValidationError({"source_url": "A canonical source needs its URL."})

    # --- what the page shows ------------------------------------------------------
    @cached_property
    def authors(self) -> list[Author]:
        links = self.article_authors.all()
        if "article_authors" not in getattr(self, "_prefetched_objects_cache", {}):
            links = links.select_related("author")
        return [link.author for link in links]

    @cached_property
    def tag_list(self) -> list:
        """The article's tags, fetched once however often the page mentions them."""
        return list(self.tags.all())

    @cached_property
    def section(self) -> SectionPage | None:
        parent = self.get_parent()
        return parent.specific if parent else None

    @property
    def image_alt(self) -> str:
        image = self.featured_image
        return self.featured_image_alt or (image.description if image else "") or ""

    @cached_property
    def body_sections(self) -> list[tuple]:
        """The body's blocks, each with the anchor id its heading gets (or '')."""
        seen: set[str] = set()
        items = []
        for block in self.body:
            anchor = ""
            if block.block_type == "heading":
                base = slugify(block.value["text"]) or "section"
                anchor, n = base, 2
                while anchor in seen:
                    anchor, n = f"{base}-{n}", n + 1
                seen.add(anchor)
            items.append((block, anchor))
        return items

    @property
    def table_of_contents(self) -> list[dict]:
        headings = [
            {
                "anchor": anchor,
                "text": block.value["text"],
                "level": block.value["level"],
            }
            for block, anchor in self.body_sections
            if anchor
        ]
        return headings if len(headings) >= settings.NEWSROOM_TOC_MIN_HEADINGS else []

    @cached_property
    def plain_text(self) -> str:
        parts = [self.standfirst]
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type in ("heading", "quote"):
                parts.append(block.value["text"])
        return " ".join(parts)

    @property
    def reading_minutes(self) -> int:
        words = len(self.plain_text.split())
        return max(1, math.ceil(words / settings.NEWSROOM_WORDS_PER_MINUTE))

    @property
    def canonical_url(self) -> str:
        if self.source_is_canonical and self.source_url:
            return self.source_url
        return self.absolute_url

    @property
    def absolute_url(self) -> str:
        return settings.SITE_URL + (self.url or "")

    def related_articles(self, count: int = 3) -> list[ArticlePage]:
        """Articles sharing the most tags with this one, topped up from its section."""
        base = ArticlePage.objects.published().exclude(pk=self.pk)
        tag_ids = [tag.pk for tag in self.tag_list]
        related = (
            list(
                base.filter(tags__in=tag_ids)
                .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids)))
                .order_by("-shared", "-first_published_at")
                .for_listing()[:count]
            )
            if tag_ids
            else []
        )
        if len(related) < count and self.section:
            more = (
                base.child_of(self.section)
                .exclude(pk__in=[a.pk for a in related])
                .for_listing()[: count - len(related)]
            )
            related.extend(more)
        return related

    def cache_scope(self) -> str | None:
        return article_scope(self.pk)

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        for look in extensions.get(extensions.ARTICLE_RESPONSE):
            look(request, self, response)
        return response

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["related"] = self.related_articles()
        return context


class ArticleAuthor(Orderable):
    """An author's byline on an article, in the order the editor gave."""

    article = ParentalKey(
        ArticlePage, related_name="article_authors", on_delete=models.CASCADE
    )
    author = models.ForeignKey(
        Author, related_name="article_links", on_delete=models.PROTECT
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="unique_article_author"
            )
        ]
