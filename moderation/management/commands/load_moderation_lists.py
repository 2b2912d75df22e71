from django.core.management.base import BaseCommand

from moderation.lists import load_starter_lists


class Command(BaseCommand):
    help = (
        "Adds the starter phrases and link domains of moderation/data/ that are "
        "missing from the lists (entries already there are left as moderators set "
        "them)."
    )

    def handle(self, *args, **options):
        added = load_starter_lists()
        self.stdout.write(f"Added {added} entries to the moderation lists.")
