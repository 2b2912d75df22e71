"""A classifier trained on comments labelled for this kind of site and on this
site's own moderators' decisions.

A TF-IDF (character n-grams of the normalised text, so evasions fold the same
way the phrase lists see them, and word pairs) and logistic-regression model
learns which comments to hold. It starts from the labelled comments shipped in
data/labelled/ (hate, threats, insults and spam against sharp politics,
reporting that quotes extremists and ordinary comments in several languages;
impersonation is left to its own check): the *starter* model, trained by
each machine the first time it is needed and kept under MODERATION_MODEL_DIR,
so a new site has it from its first comment (MODERATION_CLASSIFIER_STARTER,
on by default).

Once there are MODERATION_CLASSIFIER_MIN_DECISIONS moderators' decisions, at
least MODERATION_CLASSIFIER_MIN_EACH on each side, the background worker trains
a model on the labelled comments and those decisions (which count double: they
are this site's own), and again every MODERATION_CLASSIFIER_RETRAIN_EVERY
decisions. It only ever holds a comment (from MODERATION_CLASSIFIER_HOLD), never
refuses one: it learns from few examples, and a moderator reads what it holds.

Each model trained on decisions is kept in the database (`Classifier`), so every
process and every machine uses the same one; a process loads the newest once,
and again when a newer one is saved (the `CLASSIFIER` generation moves). Scoring
a comment is done with `linear.py`'s arithmetic, in microseconds.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

import numpy
from django.conf import settings
from django.db import transaction

from pagecache.generations import bump, version

from . import linear, patterns
from .lists import DATA
from .matching import Match
from .models import Classifier, Review
from .normalise import Normalised, normalise

log = logging.getLogger(__name__)

CLASSIFIER = "moderation-classifier"

DEFAULTS = {
    "MODERATION_CLASSIFIER_MIN_DECISIONS": 200,
    "MODERATION_CLASSIFIER_MIN_EACH": 30,
    "MODERATION_CLASSIFIER_RETRAIN_EVERY": 50,
    "MODERATION_CLASSIFIER_HOLD": 0.65,
    "MODERATION_CLASSIFIER_STARTER": True,
    "MODERATION_MODEL_DIR": None,  # var/models
}
# The labelled comments the starter model learns from, and their abusive labels.
LABELLED = DATA / "labelled"
ABUSIVE = frozenset({"hate", "threat", "insult", "spam", "impersonation"})
# Labels the starter model does not learn from. An impostor is told by whom the
# comment claims to be, which the impersonation check knows from the site's own
# names; the labelled comments name the demo site's people, and a model taught
# on them held readers who only mentioned an author or the site.
NOT_TAUGHT = frozenset({"impersonation"})
SITE_WEIGHT = 2.0  # a decision of this site's moderators counts this much
# Between a document's two parts (see `document`): never in a normalised text.
_SEPARATOR = "\x00"
# The longest passage scored on its own (see `documents`), in characters, and the
# most passages a comment is read in.
WINDOW, WINDOWS = 300, 8
# A name answered by "@" is read as this word, whoever it names (see `mentions`),
# and is at most this many words long.
MENTION, MENTION_WORDS = "zzmention", 5
_AFTER_MENTION = frozenset(")],:;")  # "" (the end) is not in it
# Pattern lists of everyday words whose terms the model reads as themselves, not
# by their list's name: whom a threat names ("she", "her", "the author"),
# intent and wishes ("will", "going to", "hope"), victim markers ("against"),
# totality ("all", "every") and what phishing asks ("send", "share"). Named,
# each was one word standing for hundreds, seen in most threats, and the model
# held a reply about someone's cooking for its "she will".
UNNAMED = frozenset(
    {
        "targets",
        "intent",
        "wishes",
        "victim_markers",
        "totality",
        "requests",
        "sympathy",
    }
)
# What `document` makes of a comment, and which comments the starter model learns
# from, in the model's name: a change to either trains it again (`_starter_path`).
DOCUMENT_VERSION = 6


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


REJECTED = (Review.Queue.REJECTED, Review.Queue.SPAM)


def decisions():
    """Reviews a moderator decided: approved (0) against rejected or spam (1)."""
    return Review.objects.filter(
        decided_at__isnull=False,
        queue__in=(Review.Queue.APPROVED, *REJECTED),
    )


def labelled_comments(*, leave_out: tuple[str, ...] = ()) -> list[dict]:
    """The labelled comments shipped in data/labelled/, file by file in name
    order (but those named in `leave_out`): `label`, `body`, `name`, …"""
    rows = []
    for path in sorted(LABELLED.glob("*.jsonl")):
        if path.stem in leave_out:
            continue
        with open(path, encoding="utf-8") as lines:
            rows.extend(json.loads(line) for line in lines if line.strip())
    return rows


def _categories(
    normalised: Normalised,
    terms: dict[str, list[Match]] | None,
    context: patterns.Context | None = None,
) -> dict[int, str]:
    """The words that are terms of the pattern lists (but UNNAMED's), and their
    lists' names; a term inside quotation marks is named as quoted
    ("zzqvermin"), one right after a negation as denied ("zznvermin"):
    reporting quotes or denies what it condemns, and the model learns the
    difference."""
    if terms is None:
        terms = defaultdict(list)
        for match in patterns.terms_matcher().find(normalised):
            terms[match.value].append(match)
    if context is None and terms:
        context = patterns.Context(normalised)
    category: dict[int, str] = {}
    for name, matches in terms.items():
        if name in UNNAMED:
            continue
        for match in matches:
            if context.quoted(match.last_word):
                mark = "zzq"
            elif patterns.is_negated(terms, match):
                mark = "zzn"
            else:
                mark = "zz"
            for word in range(match.first_word, match.last_word + 1):
                category.setdefault(word, mark + name.replace("_", ""))
    return category


def mentions(normalised: Normalised) -> set[int]:
    """The words of the names a comment answers by "@" ("@Global News Team",
    "@Kestrel (Noor Halvorsen)", "@Yael_K"): the word after the sign and the
    capitalised words that follow it, at most MENTION_WORDS in all. A reader
    warning others about an impostor names the impostor; the model learns
    nothing from whom a comment answers, only from what it says."""
    found: set[int] = set()
    plain, spans = normalised.plain, normalised.words
    if "@" not in plain:
        return found
    for index, (start, _) in enumerate(spans):
        if plain[start] != "@" or index in found:
            continue
        found.add(index)
        for after in range(index + 1, min(index + MENTION_WORDS, len(spans))):
            gap = plain[spans[after - 1][1] : spans[after][0]]
            word = plain[spans[after][0] : spans[after][1]]
            if gap.strip(" ().") or not word[0].isupper():
                break
            found.add(after)
    return found


def _document(
    normalised: Normalised,
    category: dict[int, str],
    words: range | None = None,
    cut: set[int] | None = None,
) -> str:
    whole = words is None
    if whole:
        words = range(len(normalised.keys))
    if not words:
        return f"{normalised.plain.replace(_SEPARATOR, ' ')}{_SEPARATOR}"
    said, named = [], []
    cut = mentions(normalised) if cut is None else cut
    start = 0 if whole else normalised.words[words.start][0]
    for index in words:
        if index in cut:
            if index - 1 not in cut or index == words.start:
                said.append(normalised.plain[start : normalised.words[index][0]])
                named.append(MENTION)
            start = normalised.words[index][1]
            # and the brackets or comma that close the name
            while normalised.plain[start : start + 1] in _AFTER_MENTION:
                start += 1
        elif index not in category:
            named.append(normalised.keys[index])
        elif category.get(index - 1) != category[index] or not named:
            named.append(category[index])  # a term of several words is one
    if whole:
        said.append(normalised.plain[start:])
    else:
        said.append(normalised.plain[start : normalised.words[words[-1]][1]])
    plain = "".join(said)
    return f"{plain.replace(_SEPARATOR, ' ')}{_SEPARATOR}{' '.join(named)}"


def document(
    normalised: Normalised, terms: dict[str, list[Match]] | None = None
) -> str:
    """What the model reads of a comment: its normalised text, and the same
    words with each term of the pattern lists replaced by its list's name
    ("somalis are cockroaches" also as "zzgroups are zzvermin"), so that what
    it learns of one group or insult carries over to every other in the lists.
    `terms` are the pattern lists' terms found in it, when already known."""
    return _document(normalised, _categories(normalised, terms))


def documents(
    normalised: Normalised,
    terms: dict[str, list[Match]] | None = None,
    context: patterns.Context | None = None,
) -> list[str]:
    """What the model reads of a comment to score it: its `document`, or for a
    comment longer than WINDOW characters, the documents of its passages of
    whole sentences up to that length. Learnt from comments of a paragraph or
    two, the model would find the abuse in a long comment diluted by the rest;
    the comment scores what its worst passage scores. A very long comment is
    read in at most WINDOWS passages (longer ones), so scoring it stays quick."""
    context = context or patterns.Context(normalised)
    category = _categories(normalised, terms, context)
    count = len(normalised.keys)
    if len(normalised.plain) <= WINDOW or not count:
        return [_document(normalised, category)]
    spans, first = [], 0
    for word in range(1, count + 1):
        if word == count or context.sentence(word) != context.sentence(word - 1):
            spans.append(range(first, word))  # a sentence
            first = word
    longest = max(WINDOW, len(normalised.plain) // WINDOWS)
    windows, current = [], spans[0]
    for span in spans[1:]:
        start = normalised.words[current.start][0]
        if normalised.words[span[-1]][1] - start > longest:
            windows.append(current)
            current = span
        else:
            current = range(current.start, span.stop)
    windows.append(current)
    cut = mentions(normalised)
    return [_document(normalised, category, words, cut) for words in windows]


def plain_part(document: str) -> str:
    """The normalised text of a `document`, lower-cased (the vectorizers'
    preprocessor: a function of this module, so that a model can be saved)."""
    return document.partition(_SEPARATOR)[0].lower()


def category_part(document: str) -> str:
    """The words of a `document` with the pattern lists' terms named."""
    return document.partition(_SEPARATOR)[2]


def starter_set(rows: list[dict] | None = None) -> tuple[list[str], list[int]]:
    """The labelled comments' documents, and 1 for the abusive ones (but those
    labelled as NOT_TAUGHT)."""
    rows = labelled_comments() if rows is None else rows
    rows = [row for row in rows if row["label"] not in NOT_TAUGHT]
    return (
        [document(normalise(row["body"])) for row in rows],
        [int(row["label"] in ABUSIVE) for row in rows],
    )


def training_set() -> tuple[list[str], list[int]]:
    """The documents of the comments moderators decided on (as their authors
    wrote them) and the decisions, 1 for rejected or spam."""
    texts, labels = [], []
    rows = decisions().values_list("queue", "original_body", "comment__body_source")
    for queue, original, body in rows.iterator():
        texts.append(document(normalise(original or body)))
        labels.append(int(queue in REJECTED))
    return texts, labels


def enough(labels: list[int]) -> bool:
    rejected = sum(labels)
    return len(labels) >= setting("MODERATION_CLASSIFIER_MIN_DECISIONS") and min(
        rejected, len(labels) - rejected
    ) >= setting("MODERATION_CLASSIFIER_MIN_EACH")


def build_model():
    """Character n-grams (which see through spelling games), words and word
    pairs, and runs of up to three words with the lists' terms named, weighted
    by TF-IDF, into a logistic regression that weighs both decisions alike
    however few rejections there are."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(
                analyzer="char_wb",
                preprocessor=plain_part,
                ngram_range=(2, 5),
                min_df=2,
                sublinear_tf=True,
                max_features=200_000,
            ),
            TfidfVectorizer(
                preprocessor=plain_part,
                ngram_range=(1, 2),
                sublinear_tf=True,
                max_features=100_000,
            ),
            TfidfVectorizer(
                preprocessor=category_part,
                token_pattern=r"\S+",
                ngram_range=(1, 3),
                sublinear_tf=True,
                max_features=100_000,
            ),
        ),
        LogisticRegression(class_weight="balanced", C=10.0, max_iter=3000),
    )


def fit(texts: list[str], labels: list[int], weights: list[float] | None = None):
    """A new model fitted on `texts` (normalised) and their labels."""
    model = build_model()
    model.fit(texts, labels, logisticregression__sample_weight=weights)
    return model


def train() -> Classifier | None:
    """Trains a model on the labelled comments (when the starter is on) and
    every decision so far, and keeps it (with the two before it); None while
    there are not enough decisions."""
    import joblib

    decided, decisions = training_set()
    if not enough(decisions):
        return None
    texts, labels = decided, decisions
    weights = [SITE_WEIGHT] * len(decisions)
    if setting("MODERATION_CLASSIFIER_STARTER"):
        starter_texts, starter_labels = starter_set()
        texts, labels = starter_texts + texts, starter_labels + labels
        weights = [1.0] * len(starter_labels) + weights
    model = fit(texts, labels, weights)
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    with transaction.atomic():
        saved = Classifier.objects.create(
            decisions=len(decisions), rejected=sum(decisions), model=buffer.getvalue()
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
class Model:
    """A fitted model, and the probability it gives one comment.

    The probability is worked out with `linear.py` from the pipeline's
    vectorizers and the logistic regression's coefficients; if scikit-learn
    stores them differently one day, its own `predict_proba` is used. A model
    saved before the documents had their second part reads the text alone."""

    SAMPLES = ("these people are vermin", "thank you for this careful report", "")

    def __init__(self, pipeline):
        self.pipeline = pipeline
        try:
            union, regression = pipeline[0], pipeline[-1]
            self.reads_documents = len(union.transformer_list) == 3
            samples = [self._input(document(normalise(t))) for t in self.SAMPLES]
            self.terms, offset = [], 0
            for _, vectorizer in union.transformer_list:
                self.terms.append(linear.Terms.of(vectorizer, offset))
                offset += len(vectorizer.vocabulary_)
            self.coef = regression.coef_.ravel()
            self.intercept = float(regression.intercept_[0])
            self.direct = linear.agrees(self._direct, self._general, samples)
        except (AttributeError, IndexError, TypeError, ValueError):
            self.direct = False

    def _direct(self, texts: list[str]) -> list[float]:
        values = linear.decisions(self.terms, self.coef, self.intercept, texts)
        return [float(p) for p in 1.0 / (1.0 + numpy.exp(-values))]

    def _general(self, texts: list[str]) -> list[float]:
        return [float(p) for p in self.pipeline.predict_proba(texts)[:, 1]]

    def _input(self, document: str) -> str:
        return document if self.reads_documents else plain_part(document)

    def probability(self, documents: list[str]) -> float:
        """How likely a comment is to be one a moderator removes, from its
        `documents` (the highest of their scores)."""
        documents = [self._input(document) for document in documents]
        score = self._direct if self.direct else self._general
        return max(score(documents))


_lock = threading.Lock()
_loaded: tuple[str, Model | None] = ("", None)
_starter: list[Model] = []


def _starter_path() -> Path:
    """Where this machine keeps the starter model: named after what it was
    trained from (the labelled files, the pattern lists whose terms it names,
    scikit-learn's version, the model's parameters), so a change to any of
    them trains it again."""
    import sklearn

    digest = hashlib.sha256(f"{sklearn.__version__} {DOCUMENT_VERSION}".encode())
    # (the functions it names without where this process keeps them in memory)
    digest.update(re.sub(r" at 0x[0-9a-fA-F]+", "", repr(build_model())).encode())
    files = [*LABELLED.glob("*.jsonl"), *(DATA / "patterns").glob("*.txt")]
    for path in sorted(files):
        digest.update(path.name.encode() + path.read_bytes())
    directory = Path(setting("MODERATION_MODEL_DIR") or settings.VAR_DIR / "models")
    return directory / f"starter-{digest.hexdigest()[:16]}.joblib"


def starter() -> Model:
    """The model of the labelled comments alone: loaded from this machine's
    copy, or trained (about two seconds) and kept for the next process."""
    import joblib

    if _starter:
        return _starter[0]
    with _lock:
        if not _starter:
            path = _starter_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            # The web workers of a new machine start together: one trains the
            # model while the others wait for it, then load it.
            with open(path.with_suffix(".lock"), "a") as lock:
                _hold(lock)
                try:
                    pipeline = joblib.load(path)
                except (FileNotFoundError, EOFError, ValueError):
                    pipeline = fit(*starter_set())
                    # Written whole under another name, then renamed: a process
                    # loading it at the same moment never reads half a file.
                    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
                    with os.fdopen(handle, "wb") as out:
                        joblib.dump(pipeline, out, compress=3)
                    os.replace(temporary, path)
            _starter.append(Model(pipeline))
    return _starter[0]


def _hold(lock) -> None:
    """An exclusive lock on the open file `lock`, until it is closed (where the
    system has none, nothing: each process then trains its own)."""
    try:
        import fcntl
    except ImportError:
        return
    fcntl.flock(lock, fcntl.LOCK_EX)


def current() -> Model | None:
    """The newest model trained on decisions, loaded once per process and
    generation; before there is one, the starter model (None when that is off)."""
    global _loaded
    generation = version(CLASSIFIER)
    if _loaded[0] != generation:
        with _lock:
            if _loaded[0] != generation:
                import joblib

                data = Classifier.objects.order_by("-pk").values_list(
                    "model", flat=True
                )
                blob = data.first()
                model = Model(joblib.load(io.BytesIO(bytes(blob)))) if blob else None
                _loaded = (generation, model)
    if _loaded[1] is None and setting("MODERATION_CLASSIFIER_STARTER"):
        return starter()
    return _loaded[1]


def prepare() -> None:
    """Loads (or trains) the starter model now, when it is on: a web process
    calls this as it starts, so no reader's comment waits for it."""
    if setting("MODERATION_CLASSIFIER_STARTER"):
        starter()


def forget_loaded() -> None:
    global _loaded
    _loaded = ("", None)


def score(documents: list[str]) -> float | None:
    """How likely moderators would remove a comment (its `documents`), 0–1;
    None when there is no model."""
    model = current()
    return None if model is None else model.probability(documents)
