"""The moderators' desk in the Wagtail admin: the queues (pending, reported,
spam, approved, rejected), bans, vote stuffing and the audit log.

Every page and every action is for moderators only (the "Moderators" group, or a
superuser): anyone else signed in to the admin gets 403 and nothing changes.
Each action is a plain form POST (CSRF-protected, as all of the admin) that
calls one function of `moderation.services`, then returns to the page it came
from; a refusal is a page saying what was wrong, with its 4xx status, and
nothing changed. A small script adds keyboard shortcuts to the queues.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.db.models import Count
from django.shortcuts import redirect
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin

from discussion import history
from discussion import services as discussion
from discussion.models import Comment
from newsroom.services import live_article

from . import services
from .models import Action, Ban, Report, Review, Standing

QUEUES = [(queue.value, queue.label) for queue in Review.Queue]

# The reasons a moderator picks from when rejecting (or writes their own).
REJECT_REASONS = (
    "Abuse or insults",
    "Hate or dehumanising language",
    "Threat of violence",
    "Spam or advertising",
    "Personal information about someone",
    "Off topic",
)

ACTION_LABELS = {
    "approve": "Approved",
    "reject": "Rejected",
    "spam": "Marked as spam",
    "pin": "Pinned",
    "unpin": "Unpinned",
    "ban": "Banned",
    "shadow_ban": "Shadow-banned",
    "lift_ban": "Lifted a ban",
    "trust": "Trusted a commenter",
    "untrust": "Stopped trusting a commenter",
    "edit": "Edited a comment",
    "void_votes": "Voided a reader's votes",
    "close_discussion": "Closed a discussion",
    "reopen_discussion": "Reopened a discussion",
    "hide_reported": "Hid a reported comment",
}

DONE = {
    "approve": "approved",
    "reject": "rejected",
    "spam": "marked as spam",
    "pin": "pinned",
    "unpin": "unpinned",
}


def _breadcrumbs(*items: tuple[str, str]) -> list[dict]:
    return [
        {"url": reverse("wagtailadmin_home"), "label": "Home"},
        *({"url": url, "label": label} for url, label in items),
    ]


def refusal(request, errors, *, status: int, back: str = "") -> TemplateResponse:
    """The page a refused action answers with: what was wrong, and the way back."""
    if isinstance(errors, str):
        errors = {"__all__": errors}
    return TemplateResponse(
        request,
        "moderation/desk/refused.html",
        {
            "header_title": "Nothing was changed",
            "page_title": "Nothing was changed",
            "header_icon": "warning",
            "breadcrumbs_items": _breadcrumbs(
                (reverse("moderation_desk"), "Moderation")
            ),
            "errors": list(errors.values()),
            "back": back or reverse("moderation_desk"),
        },
        status=status,
    )


def forbidden(request) -> TemplateResponse:
    return refusal(request, "Only moderators can do that.", status=403)


def _back(request, default: str) -> str:
    """Where to return after an action: the page it was taken on, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _int(value) -> int | None:
    value = (value or "").strip()
    return (
        int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
    )


def _reason(request) -> str:
    """The reason given: written, or else picked from the list. Raises
    ModerationError for a pick that is not on the list."""
    written = request.POST.get("reason", "")
    picked = request.POST.get("reason_choice", "")
    if picked and picked not in REJECT_REASONS:
        raise services.ModerationError({"reason": "Pick a reason from the list."})
    return services.clean_reason(written) or picked


def moderators_only(view):
    """Lets moderators through; anyone else gets 403 before the view runs."""

    def checked(request, *args, **kwargs):
        if not services.is_moderator(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return checked


class ModeratorsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not services.is_moderator(request.user):
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)


# --- the queues ---------------------------------------------------------------------
@dataclass
class Row:
    """One comment on the desk, with what a moderator needs to decide."""

    review: Review
    comment: Comment
    article_title: str
    article_url: str
    article_edit_url: str
    discussion_closed: bool | None
    standing: Standing | None
    reports: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    ban_kinds: list[tuple[str, str]] = field(default_factory=list)

    @property
    def email(self) -> str:
        comment = self.comment
        return (comment.user.email if comment.user_id else comment.guest_email) or ""

    @property
    def can_pin(self) -> bool:
        return (
            self.comment.parent_id is None
            and self.comment.state == Comment.State.PUBLISHED
        )


class QueueView(ModeratorsOnly, BaseListingView):
    template_name = "moderation/desk/queue.html"
    header_icon = "warning"
    paginate_by = 20
    page_title = "Moderation"

    @cached_property
    def queue(self) -> str:
        queue = self.kwargs.get("queue") or Review.Queue.PENDING
        return queue

    def get(self, request, *args, **kwargs):
        if self.queue not in Review.Queue.values:
            return refusal(request, "There is no such queue.", status=404)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return Review.Queue(self.queue).label

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            (reverse("moderation_desk"), "Moderation"),
            ("", Review.Queue(self.queue).label),
        )

    def get_index_url(self):
        return reverse("moderation_queue", args=[self.queue])

    def get_queryset(self):
        return (
            Review.objects.filter(queue=self.queue, comment__is_deleted=False)
            .select_related("comment__user", "comment__thread__article", "decided_by")
            .order_by("-created_at", "-pk")
        )

    def rows(self, reviews) -> list[Row]:
        reviews = list(reviews)
        identities = {review.identity for review in reviews}
        standings = {
            s.identity: s for s in Standing.objects.filter(identity__in=identities)
        }
        ids = [review.comment_id for review in reviews]
        reports: dict[int, list] = {}
        for comment_id, reason, n in (
            Report.objects.filter(comment_id__in=ids)
            .values("comment_id", "reason")
            .annotate(n=Count("pk"))
            .order_by("comment_id", "-n", "reason")
            .values_list("comment_id", "reason", "n")
        ):
            label = services.REPORT_REASONS.get(reason, reason)
            reports.setdefault(comment_id, []).append((label, n))
        notes: dict[int, list] = {}
        for comment_id, note in (
            Report.objects.filter(comment_id__in=ids)
            .exclude(note="")
            .order_by("created_at")
            .values_list("comment_id", "note")
        ):
            notes.setdefault(comment_id, []).append(note)
        comments = [review.comment for review in reviews]
        names = history.names_used(
            emails=[
                (c.user.email if c.user_id else c.guest_email) or "" for c in comments
            ],
            ip_hashes=[c.ip_hash for c in comments],
        )
        rows = []
        for review in reviews:
            comment = review.comment
            page = comment.thread.article
            ref = live_article(page.pk)
            row = Row(
                review=review,
                comment=comment,
                article_title=page.title,
                article_url=ref.url if ref else "",
                article_edit_url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
                discussion_closed=ref.comments_closed if ref else None,
                standing=standings.get(review.identity),
                reports=reports.get(comment.pk, []),
                notes=notes.get(comment.pk, []),
            )
            row.other_names = names.others(
                name=comment.author_name, email=row.email, ip_hash=comment.ip_hash
            )
            if comment.user_id:
                row.ban_kinds.append((Ban.Kind.ACCOUNT, "Account"))
            if row.email:
                row.ban_kinds.append((Ban.Kind.EMAIL, "E-mail address"))
            if comment.ip_hash:
                row.ban_kinds.append((Ban.Kind.IP, "IP address"))
            rows.append(row)
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            Review.objects.filter(comment__is_deleted=False)
            .values("queue")
            .annotate(n=Count("pk"))
            .values_list("queue", "n")
        )
        context.update(
            queue=self.queue,
            tabs=[
                {
                    "queue": value,
                    "label": label,
                    "count": counts.get(value, 0),
                    "url": reverse("moderation_queue", args=[value]),
                    "current": value == self.queue,
                }
                for value, label in QUEUES
            ],
            rows=self.rows(context["object_list"]),
            reject_reasons=REJECT_REASONS,
            durations=[(k, label) for k, (label, _) in services.BAN_DURATIONS.items()],
            here=self.request.get_full_path(),
            # Wagtail lets each user turn keyboard shortcuts off (Account).
            shortcuts=getattr(
                getattr(self.request.user, "wagtail_userprofile", None),
                "keyboard_shortcuts",
                True,
            ),
        )
        return context


# --- decisions ---------------------------------------------------------------------
@require_POST
@moderators_only
def decide(request):
    """Approve, reject, mark as spam, pin or unpin one comment."""
    back = _back(request, reverse("moderation_desk"))
    comment_id = _int(request.POST.get("comment"))
    action = request.POST.get("action", "")
    if comment_id is None:
        return refusal(request, "Choose a comment.", status=400, back=back)
    try:
        reason = _reason(request)
        services.decide(
            comment_id=comment_id, action=action, moderator=request.user, reason=reason
        )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    messages.success(request, f"Comment {comment_id} {DONE[action]}.")
    return redirect(back)


BULK_ACTIONS = ("approve", "reject", "spam")


@require_POST
@moderators_only
def bulk(request):
    """One decision on every comment selected: all of them, or none."""
    back = _back(request, reverse("moderation_desk"))
    raw = request.POST.getlist("comment")
    ids = [_int(value) for value in raw]
    action = request.POST.get("action", "")
    if not raw:
        return refusal(request, "Select the comments first.", status=400, back=back)
    if None in ids or len(ids) > 200:
        return refusal(
            request, "That is not a list of comments.", status=400, back=back
        )
    if action not in BULK_ACTIONS:
        return refusal(
            request, "Choose approve, reject or spam.", status=400, back=back
        )
    ids = list(dict.fromkeys(ids))
    try:
        reason = _reason(request)
        found = set(
            Comment.objects.filter(pk__in=ids, is_deleted=False).values_list(
                "pk", flat=True
            )
        )
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise discussion.NotFound(
                f"No comment {', '.join(missing)}: nothing was changed."
            )
        with transaction.atomic():
            for comment_id in ids:
                services.decide(
                    comment_id=comment_id,
                    action=action,
                    moderator=request.user,
                    reason=reason,
                )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    n = len(ids)
    messages.success(request, f"{n} comment{'s' if n != 1 else ''} {DONE[action]}.")
    return redirect(back)


# --- bans -----------------------------------------------------------------------------
@require_POST
@moderators_only
def ban(request):
    """Ban the author of a comment (by account, e-mail or IP), or a value typed in."""
    back = _back(request, reverse("moderation_bans"))
    raw_comment = request.POST.get("comment", "")
    comment_id = _int(raw_comment)
    if raw_comment and comment_id is None:
        return refusal(request, "Choose a comment.", status=400, back=back)
    try:
        made = services.ban(
            kind=request.POST.get("kind", ""),
            value=request.POST.get("value", ""),
            comment_id=comment_id,
            duration=request.POST.get("duration", ""),
            shadow=request.POST.get("shadow") == "on",
            reason=_reason(request),
            moderator=request.user,
            reject_waiting=request.POST.get("reject_waiting") == "on",
        )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    label = services.BAN_DURATIONS[request.POST["duration"]][0]
    what = "Shadow-banned" if made.shadow else "Banned"
    rejected = (
        f" and rejected {made.rejected} comment{pluralize(made.rejected)} waiting"
        " for a moderator"
        if made.rejected
        else ""
    )
    messages.success(
        request, f"{what} {made.get_kind_display().lower()} {label}{rejected}."
    )
    return redirect(back)


@require_POST
@moderators_only
def lift_ban(request):
    back = _back(request, reverse("moderation_bans"))
    ban_id = _int(request.POST.get("ban"))
    if ban_id is None:
        return refusal(request, "Choose a ban.", status=400, back=back)
    try:
        services.lift_ban(
            ban_id=ban_id, moderator=request.user, reason=_reason(request)
        )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    messages.success(request, "The ban was lifted.")
    return redirect(back)


class DeskListing(ModeratorsOnly, BaseListingView):
    """A list page of the desk under "Moderation": its title, and the URL name
    its pages are reached by."""

    paginate_by = 50
    url_name = ""

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            (reverse("moderation_desk"), "Moderation"), ("", self.page_title)
        )

    def get_index_url(self):
        return reverse(self.url_name)


class BansView(DeskListing):
    template_name = "moderation/desk/bans.html"
    header_icon = "cross"
    page_title = "Bans in force"
    url_name = "moderation_bans"

    def get_queryset(self):
        return services.active_bans()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kinds=Ban.Kind.choices,
            durations=[(k, label) for k, (label, _) in services.BAN_DURATIONS.items()],
            here=self.request.get_full_path(),
        )
        return context


# --- the author, the comment, the article ---------------------------------------------
@require_POST
@moderators_only
def trust(request):
    back = _back(request, reverse("moderation_desk"))
    trusted = request.POST.get("trusted") == "1"
    try:
        standing = services.set_trusted(
            identity=request.POST.get("identity", ""),
            trusted=trusted,
            moderator=request.user,
            reason=_reason(request),
        )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    if standing.trusted:
        messages.success(request, "Trusted: their comments skip the holding rules.")
    else:
        messages.success(request, "No longer trusted.")
    return redirect(back)


@require_POST
@moderators_only
def close_discussion(request):
    back = _back(request, reverse("moderation_desk"))
    article_id = _int(request.POST.get("article"))
    if article_id is None:
        return refusal(request, "Choose an article.", status=400, back=back)
    closed = request.POST.get("closed") == "1"
    try:
        services.set_discussion_closed(
            article_id=article_id,
            closed=closed,
            moderator=request.user,
            reason=_reason(request),
        )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    messages.success(
        request, "The discussion is closed." if closed else "The discussion is open."
    )
    return redirect(back)


class EditView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    """A moderator's edit of a comment's words; the author's are kept and shown."""

    template_name = "moderation/desk/edit.html"
    header_icon = "edit"
    page_title = "Edit a comment"

    @cached_property
    def comment(self) -> Comment | None:
        return (
            Comment.objects.select_related("user", "thread__article")
            .filter(pk=self.kwargs["pk"], is_deleted=False)
            .first()
        )

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            (reverse("moderation_desk"), "Moderation"), ("", "Edit a comment")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = Review.objects.filter(comment=self.comment).first()
        context.update(
            comment=self.comment,
            original=review.original_body if review else "",
            body=self.comment.body_source,
            reason="",
            errors={},
            back=_back(self.request, reverse("moderation_desk")),
        )
        return context

    def get(self, request, *args, **kwargs):
        if self.comment is None:
            return refusal(request, "That comment does not exist.", status=404)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.comment is None:
            return refusal(request, "That comment does not exist.", status=404)
        back = _back(request, reverse("moderation_desk"))
        body = request.POST.get("body", "")
        try:
            services.edit_comment(
                comment_id=self.comment.pk,
                body=body,
                moderator=request.user,
                reason=_reason(request),
            )
        except discussion.DiscussionError as error:
            context = self.get_context_data(**kwargs)
            context.update(
                body=body, reason=request.POST.get("reason", ""), errors=error.errors
            )
            return self.render_to_response(context, status=error.status)
        messages.success(request, f"Comment {self.comment.pk} edited.")
        return redirect(back)


# --- vote stuffing --------------------------------------------------------------------
# Vote stuffing is looked for among the votes of the last week.
VOTES_LOOKED_AT = timedelta(days=7)


class VotesView(ModeratorsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "moderation/desk/votes.html"
    header_icon = "pick"
    page_title = "Vote stuffing"

    def get_breadcrumbs_items(self):
        return _breadcrumbs(
            (reverse("moderation_desk"), "Moderation"), ("", "Vote stuffing")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - VOTES_LOOKED_AT
        burst = services.setting("MODERATION_VOTE_BURST")
        minutes = services.setting("MODERATION_NEW_READER_MINUTES")
        bursts = history.vote_bursts(threshold=burst, since=since)
        newcomers = history.new_reader_votes(minutes=minutes, since=since)
        comments = {
            c.pk: c
            for c in Comment.objects.select_related("user", "thread__article").filter(
                pk__in={b.comment_id for b in bursts}
            )
        }
        context.update(
            burst=burst,
            minutes=minutes,
            days=VOTES_LOOKED_AT.days,
            bursts=[(b, comments.get(b.comment_id)) for b in bursts],
            newcomers=newcomers,
            here=self.request.get_full_path(),
        )
        return context


@require_POST
@moderators_only
def void_votes(request):
    """Take back every vote of the readers named (one, or all those of a burst)."""
    back = _back(request, reverse("moderation_votes"))
    keys = [key for key in request.POST.getlist("reader") if key.strip()]
    if not keys or len(keys) > 200:
        return refusal(request, "Choose a reader.", status=400, back=back)
    try:
        reason = _reason(request)
        with transaction.atomic():
            removed = sum(
                services.void_votes(
                    reader_key=key, moderator=request.user, reason=reason
                )
                for key in dict.fromkeys(keys)
            )
    except discussion.DiscussionError as error:
        return refusal(request, error.errors, status=error.status, back=back)
    messages.success(
        request,
        f"{removed} vote{'s' if removed != 1 else ''} taken back and recounted.",
    )
    return redirect(back)


# --- the audit log --------------------------------------------------------------------
class LogView(DeskListing):
    template_name = "moderation/desk/log.html"
    header_icon = "history"
    page_title = "Audit log"
    url_name = "moderation_log"

    def get_queryset(self):
        return Action.objects.select_related("moderator").order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entries"] = [
            (entry, ACTION_LABELS.get(entry.action, entry.action))
            for entry in context["object_list"]
        ]
        return context
