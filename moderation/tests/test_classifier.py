"""The classifier trained on this site's moderators' decisions: off until there
are enough of them, then holding what resembles what moderators removed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from discussion.models import Comment, Thread
from moderation import classifier, pipeline
from moderation.models import Classifier, Review
from moderation.tests.fixtures import labelled_comments, labelled_file

pytestmark = pytest.mark.django_db

ABUSIVE = {"hate", "threat", "insult", "spam", "impersonation"}


@pytest.fixture(autouse=True)
def _small_thresholds(settings):
    settings.MODERATION_CLASSIFIER_MIN_DECISIONS = 40
    settings.MODERATION_CLASSIFIER_MIN_EACH = 15
    settings.MODERATION_CLASSIFIER_RETRAIN_EVERY = 10
    classifier.forget_loaded()
    yield
    classifier.forget_loaded()


def decided(article, rows: list[dict]) -> None:
    """Comments with moderators' decisions: abusive ones rejected (spam as spam),
    the rest approved."""
    thread, _ = Thread.objects.get_or_create(article=article)
    for n, row in enumerate(rows):
        comment = Comment.objects.create(
            thread=thread,
            guest_name=row.get("name") or "Reader",
            reader_key=f"g:labelled{n}-{len(rows)}",
            body_source=row["body"],
            body_html=f"<p>{row['body']}</p>",
            body_hash=f"h{n}-{len(rows)}",
        )
        queue = (
            Review.Queue.SPAM
            if row["label"] == "spam"
            else Review.Queue.REJECTED
            if row["label"] in ABUSIVE
            else Review.Queue.APPROVED
        )
        Review.objects.create(
            comment=comment,
            queue=queue,
            identity=f"k:{comment.reader_key}",
            decided_at=timezone.now(),
        )


def document(text: str) -> list[str]:
    """What the classifier reads of a comment to score it."""
    return classifier.documents(pipeline.normalise(text))


def halves() -> tuple[list[dict], list[dict]]:
    rows = labelled_comments()
    return rows[::2], rows[1::2]


def test_until_there_are_enough_decisions_nothing_is_trained(article):
    decided(article, labelled_comments()[:20])

    assert not classifier.due()
    assert classifier.train() is None
    assert classifier.score(["anything at all"]) is None
    submission = pipeline.Submission(body="Spammers' words", newcomer=False)
    assert pipeline.check_classifier(submission) is None


def test_trained_on_decisions_it_holds_what_resembles_removed_comments(article):
    seen, unseen = halves()
    decided(article, seen)

    assert classifier.due()
    trained = classifier.train()

    assert trained is not None
    assert trained.decisions == len(seen)
    scores = [(classifier.score(document(row["body"])), row["label"]) for row in unseen]
    abusive = [score for score, label in scores if label in ABUSIVE]
    fine = [score for score, label in scores if label not in ABUSIVE]
    # On comments it never saw, what moderators would reject mostly scores higher
    # (the chance that an abusive comment outscores a legitimate one)...
    pairs = sum(a > f for a in abusive for f in fine) / (len(abusive) * len(fine))
    assert pairs > 0.8
    # ...and the check holds at most one legitimate comment in twenty (the
    # site's aim).
    legitimate = [row["body"] for row in unseen if row["label"] not in ABUSIVE]
    held = [
        body
        for body in legitimate
        if pipeline.check_classifier(pipeline.Submission(body=body))
    ]
    assert len(held) <= 0.05 * len(legitimate)
    # A copy of a rejected spam comment is held; an approved ordinary one is not.
    spam = next(row for row in seen if row["label"] == "spam")
    fine = next(row for row in seen if row["label"] == "ordinary_en")
    held = pipeline.check_classifier(pipeline.Submission(body=spam["body"]))
    assert held is not None and (held.action, held.code) == ("hold", "classifier")
    assert pipeline.check_classifier(pipeline.Submission(body=fine["body"])) is None


def test_it_is_trained_again_as_decisions_come_and_keeps_three_models(article):
    seen, unseen = halves()
    decided(article, seen)
    classifier.train()
    assert not classifier.due()

    for extra in range(3):
        decided(article, unseen[extra * 12 : (extra + 1) * 12])
        assert classifier.due()
        call_command("train_classifier", stdout=open("/dev/null", "w"))

    assert Classifier.objects.count() == 3
    newest = Classifier.objects.order_by("-pk").first()
    assert newest.decisions == len(seen) + 36


def test_a_moderators_decision_queues_training_when_due(
    article, post, settings, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from moderation import services

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    seen, _ = halves()
    decided(article, seen[:-1])
    assert not Classifier.objects.exists()
    moderator = get_user_model().objects.create_user(username="mo", password="pw")
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    comment = post("An ordinary remark about the budget.")

    with django_capture_on_commit_callbacks(execute=True):
        services.decide(comment_id=comment.pk, action="approve", moderator=moderator)

    assert Classifier.objects.get().decisions == len(seen)


# --- the starter model: the labelled comments shipped with the app ------------------
@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """One folder for this file's tests: the first trains the starter model
    (seconds), the others read it."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def starter_on(settings, model_dir, monkeypatch):
    """The starter model on, none loaded in this process yet."""
    settings.MODERATION_CLASSIFIER_STARTER = True
    settings.MODERATION_MODEL_DIR = model_dir
    monkeypatch.setattr(classifier, "_starter", [])
    return model_dir


def test_a_new_site_has_the_starter_model_from_its_first_comment(starter_on):
    # given a site without a single moderator's decision
    assert not Classifier.objects.exists()
    rows = classifier.labelled_comments()
    spam = next(row for row in rows if row["label"] == "spam")
    fine = next(row for row in rows if row["label"] == "ordinary_en")

    # when comments are checked
    held = pipeline.check_classifier(pipeline.Submission(body=spam["body"]))
    passed = pipeline.check_classifier(pipeline.Submission(body=fine["body"]))

    # then the starter model, trained on the labelled comments, holds what is like
    # the abusive ones (never refuses) and lets the ordinary ones through
    assert held is not None and (held.action, held.code) == ("hold", "classifier")
    assert passed is None
    # and it is kept on disk for the next process, named after what it learnt from
    (kept,) = starter_on.glob("starter-*.joblib")
    assert kept.stat().st_size > 0


def test_the_next_process_loads_the_kept_starter_model_without_training(
    starter_on, monkeypatch
):
    # given a model kept by an earlier process
    first = classifier.starter()
    monkeypatch.setattr(classifier, "_starter", [])

    def no_training(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(classifier, "fit", no_training)

    # when a new process asks for it, then it is read, and scores the same
    again = classifier.starter()
    assert again is not first
    text = document("these people are vermin and should go back where they came from")
    assert again.probability(text) == pytest.approx(first.probability(text))


# A process that trains the starter model on a few comments (quick), noting each
# time it trains, and pausing so that the other process asks meanwhile.
_TRAINING_PROCESS = """
import sys, time
import django
django.setup()
from moderation import classifier
fit, starter_set = classifier.fit, classifier.starter_set
few = classifier.labelled_comments()[:60]
def noted(*args, **kwargs):
    with open(sys.argv[1], "a") as log:
        log.write("trained\\n")
    time.sleep(1)
    return fit(*args, **kwargs)
classifier.fit = noted
classifier.starter_set = lambda rows=None: starter_set(few)
print(classifier.starter().probability(["x\\x00x"]) >= 0)
"""


def test_web_workers_starting_together_train_the_starter_model_once(tmp_path):
    # given a new machine: no model kept yet
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TRIBUNE_VAR_DIR": str(tmp_path / "var"),
        "MODERATION_MODEL_DIR": str(tmp_path / "models"),
    }
    env.pop("DATABASE_URL", None)
    log = tmp_path / "trained.log"

    # when two processes ask for the starter model at the same moment
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _TRAINING_PROCESS, str(log)],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers = [process.communicate(timeout=120)[0].strip() for process in processes]

    # then one trains it, the other waits and loads it, and both have it
    assert answers == ["True", "True"]
    assert log.read_text().splitlines() == ["trained"]
    assert len(list((tmp_path / "models").glob("starter-*.joblib"))) == 1


def test_the_direct_arithmetic_gives_scikit_learns_probabilities(starter_on):
    model = classifier.starter()
    texts, _ = classifier.starter_set(classifier.labelled_comments()[::15])
    texts += document(" ".join(row["body"] for row in halves()[0])[:5000])

    assert model.direct
    assert [model.probability([t]) for t in texts] == pytest.approx(
        model._general(texts), abs=1e-9
    )


def test_trained_on_decisions_the_model_also_learns_from_the_labelled_comments(
    article, starter_on, monkeypatch
):
    seen, _ = halves()
    decided(article, seen)
    # (a sample of the labelled comments, to keep the test quick)
    sample, starter_set = classifier.labelled_comments()[::6], classifier.starter_set
    monkeypatch.setattr(classifier, "starter_set", lambda: starter_set(sample))

    trained = classifier.train()

    # it counts the site's own decisions only, and replaces the starter model
    assert trained.decisions == len(seen)
    assert classifier.current() is not classifier.starter()
    assert classifier.current().direct


def test_a_long_comment_is_read_passage_by_passage():
    sentence = "The hearing was adjourned again and the families waited outside."
    body = " ".join([sentence] * 20)

    passages = document(body)

    # whole sentences, at most WINDOW characters each, every sentence once
    assert len(passages) > 1
    plain = [classifier.plain_part(p) for p in passages]
    assert all(len(p) <= classifier.WINDOW for p in plain)  # 1,300 characters
    assert all(p.startswith("the hearing") and p.endswith("outside") for p in plain)
    assert sum(p.count("adjourned") for p in plain) == 20
    # a very long comment is read in a few longer passages
    assert len(document(" ".join([sentence] * 80))) == classifier.WINDOWS


def test_abuse_at_the_end_of_a_long_comment_is_not_diluted(starter_on):
    # given a long, calm comment whose last sentence is abusive
    # (the first hateful comment under 200 characters of one comment section)
    rows = classifier.labelled_comments()
    model = classifier.starter()
    hold = classifier.setting("MODERATION_CLASSIFIER_HOLD")
    calm = " ".join(r["body"] for r in rows if r["label"] == "ordinary_en")[:3000]
    abuse = next(
        r["body"]
        for r in labelled_file("comment-sections")
        if r["label"] == "hate" and len(r["body"]) < 200
    )
    body = f"{calm} {abuse}"
    assert model.probability(document(calm)) < hold

    # then it scores what its worst passage scores, and is held
    held = pipeline.check_classifier(pipeline.Submission(body=body))
    assert held is not None and held.code == "classifier"
    # read whole, the same comment would pass
    whole = classifier.document(pipeline.normalise(body))
    assert model.probability([whole]) < hold


@pytest.mark.parametrize(
    ("body", "held"),
    [
        pytest.param("Who wrote this?", False, id="short-plain"),
        pytest.param("Can the author reply to us?", False, id="short-addressing"),
        pytest.param("Who wrote this, you moron?", True, id="short-insult-word"),
        pytest.param("Who wrote this? https://example.net/x", True, id="short-link"),
        pytest.param(
            "Who wrote this piece and why did nobody check it first?",
            True,
            id="long-enough",
        ),
        pytest.param(
            "@Shirin sending love to you and your sister. I hope she has people "
            "around her.",
            False,
            id="sympathy",
        ),
        pytest.param(
            "@Shirin sending love to you and your sister, you pathetic liar.",
            True,
            id="sympathy-and-insult",
        ),
        pytest.param(
            "Stay safe, Shirin. We know which school your sister teaches at.",
            True,
            id="sympathy-and-whereabouts",
        ),
    ],
)
def test_a_short_comment_is_held_only_with_something_besides_the_guess(
    monkeypatch, body, held
):
    # given a model sure of everything
    monkeypatch.setattr(classifier, "score", lambda documents: 0.99)

    found = pipeline.check_classifier(pipeline.Submission(body=body))

    assert (found is not None) == held


@pytest.mark.parametrize(
    ("body", "said"),
    [
        pytest.param(
            "@Global News Team is this real?? The site never asks for crypto.",
            "is this real?? the site never asks for crypto.",
            id="site-name",
        ),
        pytest.param(
            "@Kestrel (Noor Halvorsen) please nobody send money",
            "please nobody send money",
            id="alias-and-name",
        ),
        pytest.param(
            "Thanks @Yael_K for the link", "thanks for the link", id="handle-inside"
        ),
        pytest.param(
            "@Dr. Ifeoma Nwosu Doctor, you lecture well",
            "you lecture well",
            id="title-and-name",
        ),
        pytest.param(
            "Write to press@example.org please",
            "write to press@example.org please",
            id="address-not-a-name",
        ),
    ],
)
def test_whom_a_reply_answers_is_not_read_by_the_model(body, said):
    # A reader warning others about an impostor names the impostor: the model
    # reads what the reply says, and only that it answers someone.
    text = classifier.document(pipeline.normalise(body))

    assert " ".join(classifier.plain_part(text).split()) == said
    named = classifier.category_part(text).split()
    assert named.count(classifier.MENTION) == body.count("@") - ("@ex" in body)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        pytest.param("Refugees are cockroaches.", "zzvermin", id="said"),
        pytest.param(
            'The leaflet called refugees "cockroaches".', "zzqvermin", id="quoted"
        ),
        pytest.param("Refugees are not cockroaches.", "zznvermin", id="denied"),
    ],
)
def test_the_model_reads_whether_a_term_is_said_quoted_or_denied(body, named):
    # Reporting quotes what it condemns: the model learns the difference.
    text = classifier.document(pipeline.normalise(body))

    assert named in classifier.category_part(text).split()


def test_everyday_words_of_the_lists_are_read_as_themselves():
    # "her", "she" and "all" are in the lists of whom a threat names and of
    # totality; named by their lists, they stood for most threats.
    text = classifier.document(
        pipeline.normalise("Ask her, she knows all the recipes.")
    )

    named = classifier.category_part(text).split()
    assert named[:3] == ["ask", "her", "she"]
    assert "zztargets" not in named and "zztotality" not in named
