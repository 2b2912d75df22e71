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

_lock = threading.Lock()
_model = None
# The score of a long comment is the highest of its parts: an insult in the
# fifth paragraph is diluted in the TF-IDF of the whole. Parts are sentences,
# short ones joined up to this many characters.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_PART_LENGTH = 160


class _Scorer:
    """The package's vectorizer and model, and the calibrated probability
    computed from them directly.

    `CalibratedClassifierCV.predict_proba` averages a sigmoid of each of its
    five SVMs' decision values. The vectorizer counts words (its own analyzer:
    the token pattern, lower case, English stop words), weighs them by their
    IDF and scales the vector to length 1. Doing that arithmetic with numpy on
    the few words a comment has takes microseconds, where building a sparse
    matrix and the general method take milliseconds. `check()` compares the two
    once; if a new scikit-learn stores the model differently, the general
    method is used.
    """

    def __init__(self):
        import joblib
        import numpy

        data = files("profanity_check").joinpath("data")
        self.vectorizer = joblib.load(data / "vectorizer.joblib")
        self.model = joblib.load(data / "model.joblib")
        self.numpy = numpy
        try:
            parts = [
                (
                    calibrated.estimator.coef_.ravel(),
                    float(calibrated.estimator.intercept_[0]),
                    float(calibrated.calibrators[0].a_),
                    float(calibrated.calibrators[0].b_),
                )
                for calibrated in self.model.calibrated_classifiers_
            ]
            self.coef = numpy.stack([p[0] for p in parts], axis=1)
            self.analyse = self.vectorizer.build_analyzer()
            self.vocabulary = self.vectorizer.vocabulary_
            self.idf = self.vectorizer.idf_
            self.intercept = numpy.array([p[1] for p in parts])
            self.a = numpy.array([p[2] for p in parts])
            self.b = numpy.array([p[3] for p in parts])
            self.direct = self.check()
        except (AttributeError, IndexError, ValueError):
            self.direct = False

    def _direct(self, text: str) -> float:
        numpy = self.numpy
        counts: dict[int, int] = {}
        for word in self.analyse(text):
            index = self.vocabulary.get(word)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        decision = self.intercept
        if counts:
            indices = numpy.fromiter(counts, dtype=numpy.intp, count=len(counts))
            weights = numpy.fromiter(counts.values(), dtype=float, count=len(counts))
            weights *= self.idf[indices]
            weights /= numpy.sqrt(weights @ weights)
            decision = weights @ self.coef[indices] + self.intercept
        return float((1.0 / (1.0 + numpy.exp(self.a * decision + self.b))).mean())

    def check(self) -> bool:
        sample = [
            "you are a complete idiot, an idiot",
            "thank you for this careful report",
            "",
        ]
        general = self.model.predict_proba(self.vectorizer.transform(sample))[:, 1]
        direct = [self._direct(text) for text in sample]
        return bool(self.numpy.allclose(direct, general, atol=1e-9))

    def scores(self, texts: list[str]) -> list[float]:
        if self.direct:
            return [self._direct(text) for text in texts]
        matrix = self.vectorizer.transform(texts)
        return [float(p) for p in self.model.predict_proba(matrix)[:, 1]]


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
