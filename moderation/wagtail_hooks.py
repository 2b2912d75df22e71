"""Moderation in the Wagtail admin, under "Moderation": the moderators' desk (the
queues, bans, vote stuffing, the audit log) and the lists of phrases and link
domains."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from discussion import extensions
from newsroom import extensions as newsroom

from . import desk, services
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
    menu_order = 10
    list_display = ["text", "action", "note", "updated_at"]
    list_filter = ["action"]
    search_fields = ["text", "note"]


class LinkDomainViewSet(SnippetViewSet):
    model = LinkDomain
    icon = "link"
    menu_label = "Link domains"
    menu_order = 11
    list_display = ["domain", "kind", "note", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["domain", "note"]


MENU_HOOK = "register_moderation_menu_item"


class ModerationGroup(SnippetViewSetGroup):
    items = (PhraseViewSet, LinkDomainViewSet)
    menu_icon = "warning"
    menu_label = "Moderation"
    menu_name = "moderation"
    menu_order = 250
    submenu_hook = MENU_HOOK


register_snippet(ModerationGroup)


# --- the desk -----------------------------------------------------------------------
class ModeratorsMenuItem(MenuItem):
    def is_shown(self, request):
        return services.is_moderator(request.user)


def _desk_item(label: str, url_name: str, icon: str, order: int):
    def item():
        return ModeratorsMenuItem(label, reverse(url_name), icon_name=icon, order=order)

    return item


for _label, _url, _icon, _order in (
    ("Comments to review", "moderation_desk", "comment", 1),
    ("Bans", "moderation_bans", "cross", 2),
    ("Vote stuffing", "moderation_votes", "pick", 3),
    ("Audit log", "moderation_log", "history", 4),
):
    hooks.register(MENU_HOOK, _desk_item(_label, _url, _icon, _order))


@hooks.register("register_admin_urls")
def desk_urls():
    return [
        path("moderation/", desk.QueueView.as_view(), name="moderation_desk"),
        path(
            "moderation/queue/<str:queue>/",
            desk.QueueView.as_view(),
            name="moderation_queue",
        ),
        path("moderation/decide/", desk.decide, name="moderation_decide"),
        path("moderation/bulk/", desk.bulk, name="moderation_bulk"),
        path("moderation/bans/", desk.BansView.as_view(), name="moderation_bans"),
        path("moderation/bans/add/", desk.ban, name="moderation_ban"),
        path("moderation/bans/lift/", desk.lift_ban, name="moderation_lift_ban"),
        path("moderation/trust/", desk.trust, name="moderation_trust"),
        path(
            "moderation/discussion/",
            desk.close_discussion,
            name="moderation_discussion",
        ),
        path(
            "moderation/comments/<int:pk>/edit/",
            desk.EditView.as_view(),
            name="moderation_edit",
        ),
        path("moderation/votes/", desk.VotesView.as_view(), name="moderation_votes"),
        path("moderation/votes/void/", desk.void_votes, name="moderation_void_votes"),
        path("moderation/log/", desk.LogView.as_view(), name="moderation_log"),
    ]
