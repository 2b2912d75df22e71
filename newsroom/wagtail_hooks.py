"""The newsroom in the Wagtail admin: authors as a snippet editors manage, and a
clear word when a new page's slug is already taken."""

from django.urls import reverse
from django.utils.timesince import timesince
from wagtail import hooks
from wagtail.admin import messages
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Author


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    menu_label = "Authors"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "alias", "role"]
    search_fields = ["name", "alias"]


register_snippet(AuthorViewSet)


@hooks.register("before_create_page")
def name_the_page_holding_the_slug(request, parent_page, page_class):
    """Says which page already has the slug a new page asks for, with a link to it.

    Wagtail's autosave keeps a new page as a draft as soon as it has what a draft
    needs, so a form an editor walked away from is a draft in the section. Starting
    the same article again then fails on its slug, and Wagtail's own error ("already
    in use within the parent page") names no page: the draft is invisible from the
    form. Autosave stays (it is what saves a new article from a closed tab); the
    editor is told which page holds the slug and can carry on with it.
    """
    if request.method != "POST" or not request.accepts("text/html"):
        return None  # autosave asks for JSON; its failures show in the form later
    slug = request.POST.get("slug", "").strip()
    holder = slug and parent_page.get_children().filter(slug=slug).first()
    if not holder:
        return None
    edit = reverse("wagtailadmin_pages:edit", args=[holder.pk])
    if holder.live or holder.first_published_at:
        messages.warning(
            request,
            f"The slug “{slug}” belongs to “{holder.title}”, already in "
            f"{parent_page.title}. Give this page another slug under Promote.",
            buttons=[messages.button(edit, f"Edit “{holder.title}”")],
        )
        return None
    saved = holder.latest_revision_created_at
    messages.warning(
        request,
        f"The slug “{slug}” belongs to the draft “{holder.title}” in "
        f"{parent_page.title}, never published"
        + (f", last saved {timesince(saved)} ago" if saved else "")
        + ". Carry on with that draft, or give this page another slug under Promote.",
        buttons=[messages.button(edit, "Edit the draft")],
    )
    return None
