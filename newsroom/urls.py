"""Reader URLs that live beside the Wagtail page tree."""

from django.urls import path

from . import feeds, views

app_name = "newsroom"

urlpatterns = [
    path("feed/", feeds.SiteFeed(), name="feed"),
    path("feed/atom/", feeds.SiteAtomFeed(), name="feed_atom"),
    path("search/", views.search, name="search"),
    path("authors/<slug:slug>/", views.author_detail, name="author"),
    path("authors/<slug:slug>/feed/", views.author_feed, name="author_feed"),
    path(
        "authors/<slug:slug>/feed/atom/",
        views.author_feed,
        {"atom": True},
        name="author_feed_atom",
    ),
    path("tags/<slug:slug>/", views.tag_detail, name="tag"),
    path("tags/<slug:slug>/feed/", views.tag_feed, name="tag_feed"),
    path(
        "tags/<slug:slug>/feed/atom/",
        views.tag_feed,
        {"atom": True},
        name="tag_feed_atom",
    ),
]
