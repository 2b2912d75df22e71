"""An offensive-language score from the model alt-profanity-check ships.

The model (a TF-IDF vectorizer and a linear SVM calibrated with Platt scaling,
trained on English insults and profanity) is loaded once per process, the first
time a score is asked for: loading scikit-learn takes seconds, scoring then
about a millisecond. It catches swearing and insults; it misses dehumanising
hate without swear words (the patterns do that), so it may hold a comment but
never refuses one.
"""

from __future__ import annotations

import re
import threading
from importlib.resources import files

import numpy

from . import linear

_lock = threading.Lock()
_model = None
# The score of a long comment is the highest of its parts: an insult in the
# fifth paragraph is diluted in the TF-IDF of the whole. Parts are sentences,
# short ones joined up to this many characters.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_PART_LENGTH = 160
# Texts on which the direct arithmetic must agree with scikit-learn's.
_SAMPLES = ["you are a complete idiot, an idiot", "thank you for this report", ""]


class _Scorer:
    """The package's vectorizer and model, and the calibrated probability
    computed from them directly.

    `CalibratedClassifierCV.predict_proba` averages a sigmoid of each of its
    five SVMs' decision values; `linear.py` computes those decision values for
    one comment in microseconds, where the general method takes milliseconds.
    If a new scikit-learn stores the model differently, the general method is
    used.
    """

    def __init__(self):
        import joblib

        data = files("profanity_check").joinpath("data")
        self.vectorizer = joblib.load(data / "vectorizer.joblib")
        self.model = joblib.load(data / "model.joblib")
        try:
            calibrated = self.model.calibrated_classifiers_
            self.terms = [linear.Terms.of(self.vectorizer)]
            self.coef = numpy.stack(
                [c.estimator.coef_.ravel() for c in calibrated], axis=1
            )
            self.intercept = numpy.array(
                [float(c.estimator.intercept_[0]) for c in calibrated]
            )
            self.a = numpy.array([float(c.calibrators[0].a_) for c in calibrated])
            self.b = numpy.array([float(c.calibrators[0].b_) for c in calibrated])
            self.direct = linear.agrees(self._direct, self._general, _SAMPLES)
        except (AttributeError, IndexError, ValueError):
            self.direct = False

    def _direct(self, texts: list[str]) -> list[float]:
        values = linear.decisions(self.terms, self.coef, self.intercept, texts)
        return [
            float(p)
            for p in (1.0 / (1.0 + numpy.exp(self.a * values + self.b))).mean(axis=1)
        ]

    def _general(self, texts: list[str]) -> list[float]:
        matrix = self.vectorizer.transform(texts)
        return [float(p) for p in self.model.predict_proba(matrix)[:, 1]]

    def scores(self, texts: list[str]) -> list[float]:
        return self._direct(texts) if self.direct else self._general(texts)


def scorer() -> _Scorer:
    """The model, loaded on first use and kept for the life of the process."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = _Scorer()
    return _model


def parts(text: str) -> list[str]:
    """The text and, when it is long, its sentences (short ones joined)."""
    if len(text) <= _PART_LENGTH:
        return [text]
    chunks, current = [text], ""
    for found in _SENTENCE.finditer(text):
        sentence = found.group().strip()
        if current and len(current) + len(sentence) > _PART_LENGTH:
            chunks.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        chunks.append(current)
    return chunks


def score(text: str) -> float:
    """How offensive `text` reads, from 0 to 1 (the highest of its parts)."""
    if not text.strip():
        return 0.0
    return max(scorer().scores(parts(text)))
