"""A classifier trained on this site's own moderators' decisions.

What moderators approved and what they rejected or marked as spam teaches a
TF-IDF (character n-grams of the normalised text, so evasions fold the same way
the phrase lists see them, and word pairs) and logistic-regression model. It is
off until there are MODERATION_CLASSIFIER_MIN_DECISIONS decisions, at least
MODERATION_CLASSIFIER_MIN_EACH on each side; after that the background worker
trains it again every MODERATION_CLASSIFIER_RETRAIN_EVERY decisions. It only
ever holds a comment (from MODERATION_CLASSIFIER_HOLD), never refuses one: it
learns from few examples, and a moderator reads what it holds.

Each trained model is kept in the database (`Classifier`), so every process
and every machine uses the same one; a process loads the newest once, and again
when a newer one is saved (the `CLASSIFIER` generation moves).
"""

from __future__ import annotations

import io
import logging
import threading

from django.conf import settings
from django.db import transaction

from pagecache.generations import bump, version

from .models import Classifier, Review
from .normalise import normalise

log = logging.getLogger(__name__)

CLASSIFIER = "moderation-classifier"

DEFAULTS = {
    "MODERATION_CLASSIFIER_MIN_DECISIONS": 200,
    "MODERATION_CLASSIFIER_MIN_EACH": 30,
    "MODERATION_CLASSIFIER_RETRAIN_EVERY": 50,
    "MODERATION_CLASSIFIER_HOLD": 0.9,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


REJECTED = (Review.Queue.REJECTED, Review.Queue.SPAM)


def decisions():
    """Reviews a moderator decided: approved (0) against rejected or spam (1)."""
    return Review.objects.filter(
        decided_at__isnull=False,
        queue__in=(Review.Queue.APPROVED, *REJECTED),
    )


def training_set() -> tuple[list[str], list[int]]:
    """The texts moderators decided on (as their authors wrote them) and the
    decisions, 1 for rejected or spam."""
    texts, labels = [], []
    rows = decisions().values_list("queue", "original_body", "comment__body_source")
    for queue, original, body in rows.iterator():
        texts.append(normalise(original or body).plain)
        labels.append(int(queue in REJECTED))
    return texts, labels


def enough(labels: list[int]) -> bool:
    rejected = sum(labels)
    return len(labels) >= setting("MODERATION_CLASSIFIER_MIN_DECISIONS") and min(
        rejected, len(labels) - rejected
    ) >= setting("MODERATION_CLASSIFIER_MIN_EACH")


def build_model():
    """Character n-grams (which see through spelling games) and word pairs,
    weighted by TF-IDF, into a logistic regression that weighs both decisions
    alike however few rejections there are."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                max_features=200_000,
            ),
            TfidfVectorizer(
                ngram_range=(1, 2), sublinear_tf=True, max_features=100_000
            ),
        ),
        LogisticRegression(class_weight="balanced", C=10.0, max_iter=2000),
    )


def train() -> Classifier | None:
    """Trains a model on every decision so far and keeps it (with the two
    before it); None while there are not enough decisions."""
    import joblib

    texts, labels = training_set()
    if not enough(labels):
        return None
    model = build_model()
    model.fit(texts, labels)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    with transaction.atomic():
        saved = Classifier.objects.create(
            decisions=len(labels), rejected=sum(labels), model=buffer.getvalue()
        )
        old = Classifier.objects.order_by("-pk").values_list("pk", flat=True)[3:]
        Classifier.objects.filter(pk__in=list(old)).delete()
    bump(CLASSIFIER)
    return saved


def due() -> bool:
    """Whether enough new decisions came since the last model to train again."""
    latest = Classifier.objects.order_by("-pk").values_list("decisions", flat=True)
    trained_on = latest.first() or 0
    count = decisions().count()
    if trained_on:
        return count - trained_on >= setting("MODERATION_CLASSIFIER_RETRAIN_EVERY")
    rejected = decisions().filter(queue__in=REJECTED).count()
    return enough([1] * rejected + [0] * (count - rejected))


# --- scoring (the pipeline's check) -------------------------------------------------
_lock = threading.Lock()
_loaded: tuple[str, object | None] = ("", None)


def current():
    """The newest trained model, loaded once per process and generation; None
    when none was trained yet."""
    global _loaded
    generation = version(CLASSIFIER)
    if _loaded[0] == generation:
        return _loaded[1]
    with _lock:
        if _loaded[0] != generation:
            import joblib

            data = Classifier.objects.order_by("-pk").values_list("model", flat=True)
            blob = data.first()
            model = joblib.load(io.BytesIO(bytes(blob))) if blob else None
            _loaded = (generation, model)
    return _loaded[1]


def forget_loaded() -> None:
    global _loaded
    _loaded = ("", None)


def score(plain_text: str) -> float | None:
    """How likely moderators would reject this (normalised) text, 0–1; None
    when no model is trained."""
    model = current()
    if model is None:
        return None
    return float(model.predict_proba([plain_text])[0][1])
