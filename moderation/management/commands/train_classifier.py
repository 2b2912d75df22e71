"""Trains the moderation classifier on every decision so far, now."""

from django.core.management.base import BaseCommand

from moderation import classifier


class Command(BaseCommand):
    help = "Train the classifier on moderators' decisions (off until there are enough)."

    def handle(self, *args, **options):
        _, labels = classifier.training_set()
        trained = classifier.train()
        if trained is None:
            needed = classifier.setting("MODERATION_CLASSIFIER_MIN_DECISIONS")
            each = classifier.setting("MODERATION_CLASSIFIER_MIN_EACH")
            self.stdout.write(
                f"Not enough decisions yet: {len(labels)} ({sum(labels)} rejected "
                f"or spam); training needs {needed}, with at least {each} of each."
            )
            return
        self.stdout.write(
            f"Trained on {trained.decisions} decisions "
            f"({trained.rejected} rejected or spam)."
        )
