"""What an import remembers: which object each imported thing became."""

from __future__ import annotations

from django.db import models


class Imported(models.Model):
    """One thing brought from another system and the object it became.

    `source` names the system and the site (`wordpress:https://example.org`,
    `disqus:forum-name`), `kind` the sort of thing (post, comment, author,
    section, attachment, thread, redirect), `source_id` its id there. A second
    import of the same file finds every row here and changes nothing; an
    interrupted one finds what was done and carries on with the rest.
    `checksum` is a digest of what was read, so a changed item is updated.
    """

    source = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    source_id = models.CharField(max_length=200)
    object_id = models.BigIntegerField()
    checksum = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "object_id"], name="imported_object")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} → {self.object_id}"
