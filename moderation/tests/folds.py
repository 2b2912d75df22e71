"""Starter models that each leave some files of labelled comments out, fitted
quickly (test_labelled.py checks every file with a model that never saw it).

`classifier.fit` on the other files, once per model, would find the n-grams of
every comment again for each model, which is most of the work. Here they are
counted once for all the comments; each model's vectorizers then keep what
scikit-learn's would have kept from its own comments (the terms in at least
`min_df` of them, then the `max_features` most frequent), with the same
weights, and its regression is fitted on those columns. The result is the model
`classifier.fit` gives (test_labelled.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from moderation import classifier


def _counted(vectorizer, texts: list[str]) -> tuple[sparse.csr_matrix, numpy.ndarray]:
    """Every comment's counts of every term `vectorizer` would find, and the
    terms in the alphabetical order scikit-learn gives its columns."""
    counter = CountVectorizer(analyzer=vectorizer.build_analyzer())
    return counter.fit_transform(texts).tocsr(), counter.get_feature_names_out()


def _fitted(vectorizer, counts, terms, rows: numpy.ndarray):
    """Fits `vectorizer` as scikit-learn would on the comments `rows` (from
    everyone's `counts` of `terms`), and gives their rows, weighted."""
    taught = counts[rows]
    frequency = numpy.asarray((taught > 0).sum(axis=0)).ravel()
    low = vectorizer.min_df
    low = low if isinstance(low, int) else int(numpy.ceil(low * len(rows)))
    mask = frequency >= max(low, 1)
    limit = vectorizer.max_features
    if limit is not None and mask.sum() > limit:
        totals = numpy.asarray(taught.sum(axis=0)).ravel()
        kept = (-totals[mask]).argsort()[:limit]
        narrowed = numpy.zeros(len(mask), dtype=bool)
        narrowed[numpy.where(mask)[0][kept]] = True
        mask = narrowed
    columns = numpy.where(mask)[0]
    weigh = TfidfTransformer(
        norm=vectorizer.norm,
        smooth_idf=vectorizer.smooth_idf,
        sublinear_tf=vectorizer.sublinear_tf,
    )
    vectorizer.vocabulary_ = {str(term): i for i, term in enumerate(terms[columns])}
    smooth = int(vectorizer.smooth_idf)
    vectorizer.idf_ = weigh.idf_ = (
        numpy.log((len(rows) + smooth) / (frequency[columns] + smooth)) + 1.0
    )
    return weigh.transform(taught[:, columns])


def leaving_out(
    files: list[list[dict]], groups: int | None = None
) -> Iterator[tuple[list[int], classifier.Model]]:
    """The indices of some of `files` (labelled comments) and a starter model of
    the others, in turn: the files dealt into `groups` (each file alone when
    None), and every group left out once."""
    texts, labels, owners = [], [], []
    for index, rows in enumerate(files):
        file_texts, file_labels = classifier.starter_set(rows)
        texts += file_texts
        labels += file_labels
        owners += [index] * len(file_texts)
    labels, owners = numpy.array(labels), numpy.array(owners)
    template = classifier.build_model()
    counted = [
        _counted(vectorizer, texts) for _, vectorizer in template[0].transformer_list
    ]
    groups = groups or len(files)
    for group in range(groups):
        left_out = list(range(group, len(files), groups))
        rows = numpy.where(~numpy.isin(owners, left_out))[0]
        pipeline = classifier.build_model()
        parts = [
            _fitted(vectorizer, counts, terms, rows)
            for (_, vectorizer), (counts, terms) in zip(
                pipeline[0].transformer_list, counted, strict=True
            )
        ]
        pipeline[-1].fit(sparse.hstack(parts).tocsr(), labels[rows])
        yield left_out, classifier.Model(pipeline)
