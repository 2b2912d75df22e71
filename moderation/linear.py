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
from dataclasses import dataclass, field

import numpy

# Words whose character n-grams are kept, per vectorizer (see `Terms.counts`).
_WORDS_KEPT = 50_000


@dataclass(frozen=True)
class Terms:
    """One fitted TfidfVectorizer's parts, and where its columns start in the
    matrix it contributes to (a FeatureUnion puts them side by side)."""

    analyse: object
    vocabulary: dict[str, int]
    idf: numpy.ndarray
    sublinear: bool
    offset: int = 0
    # For character n-grams within words ("char_wb"): the text as the analyser
    # prepares it, and each word's n-grams in the vocabulary, worked out once.
    prepare: object = None
    words: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, vectorizer, offset: int = 0) -> Terms:
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("only l2-normalised TF-IDF is computed directly")
        by_word = vectorizer.analyzer == "char_wb"
        return cls(
            analyse=vectorizer.build_analyzer(),
            vocabulary=vectorizer.vocabulary_,
            idf=vectorizer.idf_,
            sublinear=vectorizer.sublinear_tf,
            offset=offset,
            prepare=vectorizer.build_preprocessor() if by_word else None,
        )

    def _counted(self, terms) -> tuple[numpy.ndarray, numpy.ndarray]:
        get = self.vocabulary.get
        indices, counts = [], []
        for term, count in Counter(terms).items():
            index = get(term)
            if index is not None:
                indices.append(index)
                counts.append(count)
        return numpy.array(indices, dtype=numpy.intp), numpy.array(counts, float)

    def counts(self, text: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The columns of `text`'s terms in the vocabulary (each once), and how
        often each is found.

        Character n-grams within words are those of each word on its own (the
        analyser pads every word with spaces), so each distinct word is
        analysed once, and once per process: a long comment repeats its words,
        and comments share most of theirs."""
        if self.prepare is None:
            return self._counted(self.analyse(text))
        words = self.words
        if len(words) > _WORDS_KEPT:
            words.clear()
        indices, counts = [], []
        for word, times in Counter(self.prepare(text).split()).items():
            found = words.get(word)
            if found is None:
                found = words[word] = self._counted(self.analyse(word))
            indices.append(found[0])
            counts.append(found[1] * times)
        if not indices:
            return numpy.empty(0, dtype=numpy.intp), numpy.empty(0)
        columns, where = numpy.unique(numpy.concatenate(indices), return_inverse=True)
        return columns, numpy.bincount(where, numpy.concatenate(counts))


def decisions(parts: list[Terms], coef: numpy.ndarray, intercept, texts: list[str]):
    """The linear model's decision values for `texts`, a row each: `coef` has a
    row per column of the feature matrix (and a column per model, when several,
    as `intercept` has). Terms are counted text by text; the weighing, scaling
    and summing are done for all the texts' terms at once."""
    rows = numpy.zeros((len(texts), *numpy.shape(intercept))) + intercept
    for part in parts:
        found = [part.counts(text) for text in texts]
        lengths = [len(indices) for indices, _ in found]
        if not any(lengths):
            continue
        indices = numpy.concatenate([indices for indices, _ in found])
        weights = numpy.concatenate([counts for _, counts in found])
        owners = numpy.repeat(numpy.arange(len(texts)), lengths)
        if part.sublinear:
            weights = numpy.log(weights) + 1.0
        weights *= part.idf[indices]
        norms = numpy.sqrt(numpy.bincount(owners, weights * weights, len(texts)))
        weights /= norms[owners]
        terms = coef[indices + part.offset]
        contributions = terms * weights.reshape(-1, *([1] * (terms.ndim - 1)))
        numpy.add.at(rows, owners, contributions)
    return rows


def agrees(direct, general, samples: list[str]) -> bool:
    """Whether the direct arithmetic gives scikit-learn's probabilities (each
    function takes a list of texts), one text at a time and all together."""
    expected = general(samples)
    alone = [value for text in samples for value in direct([text])]
    return bool(
        numpy.allclose(alone, expected, atol=1e-9)
        and numpy.allclose(direct(samples), expected, atol=1e-9)
    )
