"""Tribune's user: staff who edit and readers who sign in."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


class User(AbstractUser):
    """A person with an account: an editor, a moderator or a signed-in reader.

    `display_name` is what readers see next to their comments; it falls back to the
    username. Readers sign up with an e-mail address, which is unique whatever its
    case and never shown; their username is a random id. A reader's account stays
    inactive until `email_verified_at` is set by the link we mail them.
    """

    class CommentNotify(models.TextChoices):
        NONE = "none", "No e-mails"
        REPLIES = "replies", "Replies to my comments"
        ALL = "all", "Replies, and every new comment on the article"

    class ArticleFrequency(models.TextChoices):
        INSTANT = "instant", "As each article is published"
        DAILY = "daily", "In one e-mail a day"

    display_name = models.CharField(max_length=80, blank=True)
    # Notification defaults, chosen on the account page: what the comment form
    # starts with ("" until chosen: replies once the address is verified), and
    # how often new-article subscriptions the member starts send mail.
    comment_notify = models.CharField(
        max_length=10, blank=True, choices=CommentNotify.choices
    )
    article_frequency = models.CharField(
        max_length=10,
        choices=ArticleFrequency.choices,
        default=ArticleFrequency.INSTANT,
    )
    email_verified_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the owner proved they read mail at this address.",
    )

    class Meta(AbstractUser.Meta):
        constraints = [
            # Staff created in the admin may have no address; everyone else has
            # one address, matched case-insensitively as mail servers do in practice.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_user_email_ci_unique",
                violation_error_message="Someone already uses that e-mail address.",
            ),
        ]

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def comment_notify_default(self) -> str:
        """What the comment form offers this member first: their choice, or
        replies once they proved they read their mail."""
        if self.comment_notify:
            return self.comment_notify
        verified = self.email_verified_at is not None
        return self.CommentNotify.REPLIES if verified else self.CommentNotify.NONE

    @property
    def awaits_verification(self) -> bool:
        """Signed up but never clicked the link: inactive and not yet verified.

        An account an administrator switched off is inactive too, but verified (or
        staff-made), and must not be told to "verify" its way back in.
        """
        return not self.is_active and self.email_verified_at is None
