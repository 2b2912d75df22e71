"""The pipeline on the labelled comments in data/labelled/.

tuned.jsonl, written for this site: dehumanising hate (plain and with
evasions), threats, insults, link spam and impersonation of its authors and
staff, which should be held or refused; sharp political disagreement,
reporting that quotes extremists, and ordinary comments in English, Urdu,
Arabic and French, which should be published. The comments are checked in
the file's order as guests' first comments, each compared with those above it
for repeats, as `manage.py check_comments` does. `pytest -rP` prints the rates
per class.

The lists and rules were tuned on this set, so it says little about comments
nobody has seen; heldout.jsonl does that (see the tests below). The other files
were written later by people who had seen neither the lists nor the rules:
hate and threats with the sharp politics and reporting that resemble them,
spam, insults and impostors with ordinary comments in many languages, the
comment sections of imagined articles, heated reply threads, abuse written to
slip past a filter (codes, dates, spacing, emoji) beside the research that
explains it, comments in twenty languages, the comment sections of five and
then six more articles, hate and threats in framings no list foresees, and
comments in twenty more languages that had hardly any rules, and (written after
the rules for those languages) the comment sections of five more articles and
comments in thirty languages; then hate and threats said obliquely, comments in
languages round the world, spam with impostors and plain insults, and the
comment sections of seven more articles; and (written after all of the above)
readers talking about the site, a breaking-news thread, and comments from South
Asia and the Middle East; then every class of the site once more in new words,
and the comment sections of four articles on a busy day; then the comments
under two articles on blasphemy and converts, and short comments with the slang
of games, sport and money. All of them teach
the starter classifier; the last test checks each file with a model that never
saw it.
"""

from collections import Counter, defaultdict

import pytest

from moderation import classifier
from moderation.classifier import ABUSIVE, LABELLED
from moderation.pipeline import FLAG, HOLD, PUBLISH, REJECT, Submission, run_checks

from .fixtures import heldout_comments, labelled_comments, labelled_file
from .folds import leaving_out

# The labelled files are checked in this many groups, each by a model of the
# others (about nine tenths of the comments).
FOLDS = 9
LEGITIMATE = {
    "political",
    "reporting",
    "ordinary_en",
    "ordinary_ur",
    "ordinary_ar",
    "ordinary_fr",
}


def verdicts(rows: list[dict] | None = None) -> list[tuple[dict, object]]:
    seen: list[str] = []
    results = []
    for row in labelled_comments() if rows is None else rows:
        outcome = run_checks(
            Submission(
                body=row["body"],
                name=row.get("name", ""),
                email=row.get("email", ""),
                website=row.get("website", ""),
                recent_bodies=list(reversed(seen)),
            )
        )
        seen.append(row["body"])
        results.append((row, outcome))
    return results


def test_the_set_is_large_and_labelled():
    rows = labelled_comments()
    labels = Counter(row["label"] for row in rows)
    assert len(rows) >= 300
    assert set(labels) == ABUSIVE | LEGITIMATE


def rates(results) -> str:
    """The verdicts per class, and the share held or rejected, as a table."""
    per_class: dict[str, Counter] = defaultdict(Counter)
    for row, outcome in results:
        per_class[row["label"]][outcome.verdict] += 1
    lines = ["class             n  publish  flag  hold  reject  held or rejected"]
    for label in sorted(per_class, key=lambda name: (name not in ABUSIVE, name)):
        counts = per_class[label]
        n = sum(counts.values())
        stopped = counts[HOLD] + counts[REJECT]
        lines.append(
            f"{label:15} {n:3}  {counts[PUBLISH]:7}  {counts[FLAG]:4}  "
            f"{counts[HOLD]:4}  {counts[REJECT]:6}  {stopped / n:16.1%}"
        )
    return "\n".join(lines)


@pytest.mark.usefixtures("newsroom_names")
def test_abusive_held_and_legitimate_published():
    # given the labelled comments / when each is checked
    results = verdicts()
    # then (`pytest -rP` shows the table, also under xdist)
    print(rates(results))  # noqa: T201
    abusive = [o for row, o in results if row["label"] in ABUSIVE]
    legitimate = [o for row, o in results if row["label"] in LEGITIMATE]
    stopped = sum(o.verdict in (HOLD, REJECT) for o in abusive) / len(abusive)
    wrongly = sum(o.verdict in (HOLD, REJECT) for o in legitimate) / len(legitimate)
    missed = [
        row["body"]
        for row, o in results
        if row["label"] in ABUSIVE and o.verdict in (PUBLISH, FLAG)
    ]
    held = [
        (row["body"], [r.code for r in o.reasons])
        for row, o in results
        if row["label"] in LEGITIMATE and o.verdict in (HOLD, REJECT)
    ]
    assert stopped >= 0.90, (rates(results), missed)
    assert wrongly <= 0.05, (rates(results), held)


def stopped_and_wrongly(results) -> tuple[float, float]:
    """The share of abusive comments held or refused, and of legitimate ones."""
    abusive = [o for row, o in results if row["label"] in ABUSIVE]
    legitimate = [o for row, o in results if row["label"] not in ABUSIVE]
    stopped = sum(o.verdict in (HOLD, REJECT) for o in abusive) / len(abusive)
    wrongly = sum(o.verdict in (HOLD, REJECT) for o in legitimate) / len(legitimate)
    return stopped, wrongly


@pytest.mark.usefixtures("newsroom_names")
def test_heldout_comments_written_blind():
    """data/heldout.jsonl: 260 comments written by someone who had not seen the
    lists, rules or the labelled set, in the same classes (ordinary comments in
    English, and in other languages as "ordinary_other").

    The odd lines were used to improve the lists and rules (their misses were
    read); the even lines were only measured, before and after, so they tell how
    the rules do on comments nobody tuned them on. With the rules as they are,
    the odd lines are 97% held or refused, the even lines 63% (hate 43%, threats
    37%: hate and threats are said in ways no list foresees), and the whole set
    80%, short of the 90% the site aims at. These floors keep that from getting
    worse; no legitimate comment of the set is held, and at most 5% may be.
    """
    # given the held-out comments / when each is checked, in the file's order
    results = verdicts(heldout_comments())
    print(rates(results))  # noqa: T201
    stopped, wrongly = stopped_and_wrongly(results)
    unseen_stopped, unseen_wrongly = stopped_and_wrongly(results[1::2])
    missed = [
        row["body"]
        for row, o in results
        if row["label"] in ABUSIVE and o.verdict in (PUBLISH, FLAG)
    ]
    # then
    assert stopped >= 0.80, (rates(results), missed)
    assert unseen_stopped >= 0.60, rates(results[1::2])
    assert wrongly <= 0.05, rates(results)
    assert unseen_wrongly <= 0.05, rates(results[1::2])


def test_a_model_leaving_a_file_out_is_the_one_fit_gives(monkeypatch):
    # given vectorizers that keep fewer terms than the comments have
    build = classifier.build_model

    def build_smaller():
        model = build()
        for _, vectorizer in model[0].transformer_list:
            vectorizer.set_params(max_features=3_000)
        return model

    monkeypatch.setattr(classifier, "build_model", build_smaller)
    # and three files, and the models that each leave one out
    names = ("tuned", "heldout", "long-comments")
    files = [labelled_file(name) for name in names]
    quick = [model for _, model in leaving_out(files)]
    samples = [row["body"] for row in labelled_file("short-everyday-comments")[:40]]
    documents = [classifier.document(classifier.normalise(text)) for text in samples]
    for left_out, model in enumerate(quick):
        # when the same model is fitted on the other two
        rows = [row for i, rows in enumerate(files) if i != left_out for row in rows]
        fitted = classifier.Model(classifier.fit(*classifier.starter_set(rows)))
        # then both give every comment the same probability, the long way too
        assert model.direct
        for (_, quick_part), (_, fitted_part) in zip(
            model.pipeline[0].transformer_list,
            fitted.pipeline[0].transformer_list,
            strict=True,
        ):
            assert len(quick_part.vocabulary_) == 3_000
            assert quick_part.vocabulary_ == fitted_part.vocabulary_
        for text in documents:
            assert model.probability([text]) == pytest.approx(
                fitted.probability([text]), abs=1e-6
            )
        assert model.pipeline.predict_proba(documents) == pytest.approx(
            fitted.pipeline.predict_proba(documents), abs=1e-6
        )


@pytest.mark.usefixtures("newsroom_names")
def test_each_file_is_checked_with_a_starter_model_that_never_saw_it(
    settings, monkeypatch
):
    """What a new site can expect on comments nobody tuned anything on: each
    file of data/labelled/ checked by the whole pipeline, its classifier a
    starter model that never saw it. The files are dealt into FOLDS groups, and
    each group is checked by a model of the others (see folds.py)."""
    # given the files, and for each group of them a starter model of the others
    settings.MODERATION_CLASSIFIER_STARTER = True
    files = [labelled_file(path.stem) for path in sorted(LABELLED.glob("*.jsonl"))]
    results = []
    for left_out, model in leaving_out(files, FOLDS):
        monkeypatch.setattr(classifier, "_starter", [model])
        # when the group's comments are checked
        for index in left_out:
            results.extend(verdicts(files[index]))
    # then
    print(rates(results))  # noqa: T201
    stopped, wrongly = stopped_and_wrongly(results)
    assert len(results) == sum(len(rows) for rows in files)
    assert stopped >= 0.90, rates(results)
    assert wrongly <= 0.05, rates(results)
