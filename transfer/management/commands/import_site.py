"""manage.py import_site DIR: a Tribune export (export_site) into this site."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.site import BadFile, import_site


class Command(BaseCommand):
    help = (
        "Imports a folder written by export_site; importing it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--report-json", type=Path, metavar="FILE")

    def handle(self, *args, folder: Path, **options):
        try:
            report = import_site(folder, dry_run=options["dry_run"])
        except BadFile as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if options["report_json"]:
            report.write_json(options["report_json"])
