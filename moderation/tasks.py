"""Moderation's background work: training the classifier again as moderators'
decisions accumulate."""

from __future__ import annotations

from django_tasks import task

from . import classifier


@task()
def retrain_classifier() -> int | None:
    """Trains the classifier on every decision so far, when it is due; returns
    the number of decisions the new model learnt from."""
    if not classifier.due():
        return None
    trained = classifier.train()
    return trained.decisions if trained else None
