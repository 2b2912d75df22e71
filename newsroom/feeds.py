"""RSS 2.0 and Atom feeds: the whole site, and each section, author and tag."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from wagtail.models import Site

from .models import ArticlePage, Author, SectionPage, SiteSettings


class ArticleFeed(Feed):
    """The newest live articles of a listing.

    Links are built from SITE_URL, not from the request's host: feeds are read and
    cached by aggregators far from here.
    """

    feed_type = Rss201rev2Feed
    listing_title = ""
    listing_path = "/"

    def __call__(self, request, *args, **kwargs):
        self.site = Site.find_for_request(request) or Site.objects.get(
            is_default_site=True
        )
        self.site_settings = SiteSettings.for_site(self.site)
        return super().__call__(request, *args, **kwargs)

    def articles(self):
        return ArticlePage.objects.published(self.site)

    def items(self):
        articles = self.articles().for_listing().prefetch_related("tags")
        return list(articles[: settings.NEWSROOM_FEED_SIZE])

    def title(self):
        name = self.site_settings.name
        return f"{self.listing_title} – {name}" if self.listing_title else name

    def description(self):
        return self.site_settings.description or self.site_settings.tagline

    subtitle = description

    def link(self):
        return settings.SITE_URL + self.listing_path

    def feed_url(self):
        suffix = "feed/atom/" if self.feed_type is Atom1Feed else "feed/"
        return settings.SITE_URL + self.listing_path + suffix

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.standfirst

    def item_link(self, item: ArticlePage) -> str:
        return item.absolute_url

    def item_guid(self, item: ArticlePage) -> str:
        return item.absolute_url

    def item_pubdate(self, item: ArticlePage):
        return item.first_published_at

    def item_updateddate(self, item: ArticlePage):
        return item.updated_at or item.first_published_at

    def item_author_name(self, item: ArticlePage) -> str:
        return ", ".join(author.name for author in item.authors)

    def item_categories(self, item: ArticlePage) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class SiteFeed(ArticleFeed):
    pass


class SiteAtomFeed(SiteFeed):
    feed_type = Atom1Feed


class SectionFeed(ArticleFeed):
    def __init__(self, section: SectionPage):
        super().__init__()
        self.section = section
        self.listing_title = section.title
        self.listing_path = section.url or "/"

    def articles(self):
        return self.section.articles()


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed


class AuthorFeed(ArticleFeed):
    def __init__(self, author: Author):
        super().__init__()
        self.author = author
        self.listing_title = author.name
        self.listing_path = author.get_absolute_url()

    def articles(self):
        return super().articles().filter(article_authors__author=self.author)


class AuthorAtomFeed(AuthorFeed):
    feed_type = Atom1Feed


class TagFeed(ArticleFeed):
    def __init__(self, tag):
        super().__init__()
        self.tag = tag
        self.listing_title = f"Tagged “{tag.name}”"
        self.listing_path = reverse("newsroom:tag", args=[tag.slug])

    def articles(self):
        return super().articles().filter(tags=self.tag)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
