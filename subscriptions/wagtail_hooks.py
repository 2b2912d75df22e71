"""Subscriptions listen to the discussion (see discussion.extensions), and keep
their delivery log in the admin: every mail, to whom, about what, when, and what
became of it; read-only, with "Send again" for mail that failed for good."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts import extensions as account_extensions
from discussion import extensions

from . import services, views
from .models import Delivery

hooks.register(extensions.COMMENT_POSTED, services.comment_posted)
hooks.register(extensions.COMMENT_VISIBLE, services.comment_visible)
# A member's page: what they follow, and what they wrote (which replies and
# follow-ups are about).
hooks.register(account_extensions.ACCOUNT_SECTIONS, views.account_subscriptions)
hooks.register(account_extensions.ACCOUNT_SECTIONS, views.account_comments)


@hooks.register(extensions.SECTION_TOP)
def subscribe_control(context: dict) -> str:
    """The "Subscribe" form above an open discussion."""
    return render_to_string("subscriptions/subscribe_control.html", context)


LOG_NAME = "subscriptions_deliveries"


class ReadOnly(ModelPermissionPolicy):
    """Admins may look at the log; nobody adds, edits or deletes rows in it."""

    WRITES = {"add", "change", "delete", "copy"}

    def user_has_permission(self, user, action):
        return action not in self.WRITES and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)


register_permission_policy(Delivery, ReadOnly(Delivery), exact_class=True)


def describe(delivery: Delivery) -> str:
    payload = delivery.event.payload
    detail = ", ".join(f"{k} {v}" for k, v in payload.items() if k != "nonce")
    return f"{delivery.event.kind} ({detail})" if detail else delivery.event.kind


class RetryColumn(Column):
    cell_template_name = "subscriptions/admin/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["can_retry"] = instance.state == Delivery.State.FAILED
        context["retry_url"] = reverse("subscriptions_retry", args=[instance.pk])
        context["csrf"] = get_token(request) if request else ""
        return context


class DeliveryViewSet(ModelViewSet):
    model = Delivery
    name = LOG_NAME
    icon = "mail"
    menu_label = "Delivery log"
    add_to_admin_menu = True
    menu_order = 900
    inspect_view_enabled = True
    copy_view_enabled = False
    exclude_form_fields: list[str] = []  # no form: nothing here is edited
    list_filter = ["state"]
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    list_display = [
        Column("address", label="To", accessor="address.email"),
        Column("what", label="What", accessor=describe),
        DateColumn("created_at", label="Queued"),
        Column("state", label="State", accessor="get_state_display"),
        Column("attempts", label="Attempts"),
        DateColumn("sent_at", label="Sent"),
        Column("last_error", label="Last error"),
        RetryColumn("retry", label=""),
    ]
    inspect_view_fields = [
        "address",
        "event",
        "subscription",
        "state",
        "attempts",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "message_id",
        "last_error",
    ]

    def get_queryset(self, request):
        return Delivery.objects.select_related("address", "event")


@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Send again" button of a failed mail in the log."""
    if not request.user.has_perm("subscriptions.view_delivery"):
        return HttpResponse("You may not do that.", status=403)
    try:
        delivery = services.retry_delivery(delivery_id=pk)
    except services.SubscriptionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The mail to {delivery.address} will be sent again.")
    return redirect(f"{LOG_NAME}:index")


@hooks.register("register_admin_viewset")
def register_delivery_log():
    return DeliveryViewSet()


@hooks.register("register_admin_urls")
def register_retry_url():
    return [
        path(
            "subscriptions/deliveries/<int:pk>/retry/",
            retry,
            name="subscriptions_retry",
        )
    ]
