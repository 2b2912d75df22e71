"""Tribune's user: staff who edit and readers who sign in."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with an account: an editor, a moderator or a signed-in reader.

    `display_name` is what readers see next to their comments; it falls back to the
    username.
    """

    display_name = models.CharField(max_length=80, blank=True)

    @property
    def public_name(self) -> str:
        return self.display_name or self.get_full_name() or self.username
