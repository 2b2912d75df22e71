"""Scoring one comment with a fitted TF-IDF and linear model, without the
general machinery.

scikit-learn's `transform` and `predict_proba` build sparse matrices and check
their input: a few milliseconds for one short comment, which every posted
comment would pay. The arithmetic itself is small: count the n-grams the
vectorizer's own analyzer finds, keep those in its vocabulary, weigh them by
IDF (and 1 + log of the count when `sublinear_tf`), scale the vector to length
1, and take its dot product with the model's coefficients. Done with numpy on
the few terms a comment has, it takes tens of microseconds.

Callers compare the result with scikit-learn's own on sample texts once (see
`agrees`) and fall back to the general method if a new release stores its
models differently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy


@dataclass(frozen=True)
class Terms:
    """One fitted TfidfVectorizer's parts, and where its columns start in the
    matrix it contributes to (a FeatureUnion puts them side by side)."""

    analyse: object
    vocabulary: dict[str, int]
    idf: numpy.ndarray
    sublinear: bool
    offset: int = 0

    @classmethod
    def of(cls, vectorizer, offset: int = 0) -> Terms:
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("only l2-normalised TF-IDF is computed directly")
        return cls(
            analyse=vectorizer.build_analyzer(),
            vocabulary=vectorizer.vocabulary_,
            idf=vectorizer.idf_,
            sublinear=vectorizer.sublinear_tf,
            offset=offset,
        )

    def vector(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The column numbers of `text`'s terms and their TF-IDF weights."""
        get = self.vocabulary.get
        counts = [
            (index, count)
            for term, count in Counter(self.analyse(text)).items()
            if (index := get(term)) is not None
        ]
        if not counts:
            return numpy.empty(0, dtype=numpy.intp), numpy.empty(0)
        indices = numpy.fromiter((i for i, _ in counts), numpy.intp, len(counts))
        weights = numpy.fromiter((c for _, c in counts), float, len(counts))
        if self.sublinear:
            weights = numpy.log(weights) + 1.0
        weights *= self.idf[indices]
        weights /= numpy.sqrt(weights @ weights)
        return indices + self.offset, weights


def decision(parts: list[Terms], coef: numpy.ndarray, intercept, text: str):
    """The linear model's decision value(s) for `text`: `coef` has a row per
    column of the feature matrix (and a column per model, when several)."""
    total = intercept
    for part in parts:
        indices, weights = part.vector(text)
        if len(indices):
            total = total + weights @ coef[indices]
    return total


def agrees(direct, general, samples: list[str]) -> bool:
    """Whether the direct arithmetic gives scikit-learn's probabilities."""
    return bool(
        numpy.allclose([direct(text) for text in samples], general(samples), atol=1e-9)
    )
