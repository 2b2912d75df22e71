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

    display_name = models.CharField(max_length=80, blank=True)
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
    def awaits_verification(self) -> bool:
        """Signed up but never clicked the link: inactive and not yet verified.

        An account an administrator switched off is inactive too, but verified (or
        staff-made), and must not be told to "verify" its way back in.
        """
        return not self.is_active and self.email_verified_at is None
