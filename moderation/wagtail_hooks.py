"""The moderators' lists in the Wagtail admin, under "Moderation"."""

from django.urls import reverse
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from discussion import extensions
from newsroom import extensions as newsroom

from . import services
from .models import LinkDomain, Phrase

hooks.register(extensions.REVIEW_COMMENT, services.review_comment)
hooks.register(extensions.COMMENT_VISIBLE, services.comment_visible)


@hooks.register(newsroom.ARTICLE_SCRIPTS)
def script(article) -> list[str]:
    return ["js/report.js"] if article.comments_enabled else []


@hooks.register(extensions.REPORT_URL)
def report_url() -> str:
    return reverse("moderation:report", args=[0]).replace("/0/", "/{id}/")


class PhraseViewSet(SnippetViewSet):
    model = Phrase
    icon = "warning"
    menu_label = "Banned and suspect phrases"
    list_display = ["text", "action", "note", "updated_at"]
    list_filter = ["action"]
    search_fields = ["text", "note"]


class LinkDomainViewSet(SnippetViewSet):
    model = LinkDomain
    icon = "link"
    menu_label = "Link domains"
    list_display = ["domain", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["domain", "note"]


class ModerationGroup(SnippetViewSetGroup):
    items = (PhraseViewSet, LinkDomainViewSet)
    menu_icon = "warning"
    menu_label = "Moderation"
    menu_name = "moderation"
    menu_order = 250


register_snippet(ModerationGroup)
