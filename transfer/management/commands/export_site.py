"""manage.py export_site DIR: the whole site as JSON Lines and a WXR file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.export import export_site


class Command(BaseCommand):
    help = (
        "Writes the site to DIR: articles, authors, sections, tags, images, "
        "passages, comments, ratings and confirmed subscriptions as JSON Lines "
        "(described in transfer/FORMAT.md), and wordpress.xml for WordPress's "
        "importer."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        if folder.exists() and any(folder.iterdir()):
            raise CommandError(f"{folder} is not empty: export into a new folder.")
        counts = export_site(folder)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
