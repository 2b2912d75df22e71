"""manage.py import_wordpress FILE.xml: a WordPress export (WXR) into the site."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from transfer.wordpress import BadFile, Options, import_file


class Command(BaseCommand):
    help = (
        "Imports a WordPress export (WXR file, with wpDiscuz's data): posts and "
        "pages, authors, categories, tags, images, comments, votes, ratings, "
        "feedback questions, and redirects from the old URLs. Importing the same "
        "file again changes nothing; an interrupted import carries on."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Store nothing; report what would be done.",
        )
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="The folder holding wp-content/uploads' files.",
        )
        parser.add_argument(
            "--section-for-uncategorised",
            default="",
            metavar="SLUG",
            help="The section for posts with no category (default: uncategorised).",
        )
        parser.add_argument("--section-for-pages", default="pages", metavar="SLUG")
        parser.add_argument("--report-json", type=Path, metavar="FILE")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        media = options["media_dir"]
        if media is not None and not media.is_dir():
            raise CommandError(f"--media-dir {media}: no such folder.")
        try:
            report = import_file(
                options["file"],
                Options(
                    dry_run=options["dry_run"],
                    media_dir=media,
                    uncategorised_section=options["section_for_uncategorised"],
                    pages_section=options["section_for_pages"],
                    progress=not options["no_progress"],
                ),
                stdout=self.stdout._out,
            )
        except BadFile as error:
            raise CommandError(str(error)) from None
        for line in report.lines():
            self.stdout.write(line)
        if options["report_json"]:
            report.write_json(options["report_json"])
