"""manage.py import_disqus FILE.xml: a Disqus export's comments into the site."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.disqus import BadFile, import_file


class Command(BaseCommand):
    help = (
        "Imports a Disqus export: threads matched to articles by URL (through "
        "the redirects of an import_wordpress too), posts with their threading. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="OLD_URL_PREFIX=NEW_URL_PREFIX",
            help="Rewrite thread links starting with OLD to start with NEW (repeatable).",  # noqa: E501
        )
        parser.add_argument("--report-json", type=Path, metavar="FILE")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        mappings = []
        for raw in options["map"]:
            old, sep, new = raw.partition("=")
            if not sep or not old:
                raise CommandError(
                    f"--map {raw!r}: write it as OLD_URL_PREFIX=NEW_URL_PREFIX."
                )
            mappings.append((old, new))
        try:
            report = import_file(
                options["file"],
                dry_run=options["dry_run"],
                mappings=mappings,
                progress=not options["no_progress"],
                stdout=self.stdout._out,
            )
        except BadFile as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if options["report_json"]:
            report.write_json(options["report_json"])
