"""/sitemap.xml: every live, public page, and every author with a published article."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from .models import ArticlePage, Author


class PageSitemap(WagtailSitemap):
    """Wagtail's own: live and public pages of the requested site only."""


class AuthorSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        authors = ArticlePage.objects.published().values("article_authors__author")
        return Author.objects.filter(pk__in=authors).order_by("slug")

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc
