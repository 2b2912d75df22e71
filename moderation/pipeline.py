"""The checks every new or edited comment passes, in order.

Each check looks at a `Submission` and returns nothing or a `Verdict`: flag
(published, shown to moderators), hold (waits for a moderator) or reject
(refused), with a reason code for moderators and a sentence for the author. The
sentence says what kind of problem it is and never which phrase or list
matched: the lists stay useful only while they are not a guide to evasion.

`run_checks` runs them all and returns an `Outcome`: the most severe verdict
(publish when no check objected) and every reason, in the order of `CHECKS`.
Length caps, rate limits, the honeypot, fill time and exact duplicates are
checked by the discussion before a comment gets here.

Tunables (settings, with these defaults):

- `MODERATION_MAX_LINKS` (2): a comment with more links is held.
- `MODERATION_OFFENSIVE_HOLD` (0.97) and `MODERATION_OFFENSIVE_FLAG` (0.85):
  offensive-language scores from which a comment is held or flagged.
- `MODERATION_REPEAT_SIMILARITY` (90) and `MODERATION_REPEAT_MIN_LENGTH` (40):
  how alike (0–100, on normalised text) a comment must be to a recent one to be
  held as a repeat, and the shortest comment compared ("Thank you!" may repeat).
- `MODERATION_AKISMET_KEY` (unset: off), `MODERATION_AKISMET_URL`,
  `MODERATION_AKISMET_TIMEOUT` (3 s): the optional outside check (outside.py).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from rapidfuzz import fuzz, process

from accounts.names import is_reserved_name, name_skeleton

from . import classifier, offensive, outside, patterns
from . import links as linking
from .lists import (
    Lists,
    claimed_names,
    current_lists,
    impersonation_matcher,
    name_memo,
    people_matcher,
)
from .matching import Match
from .normalise import Normalised, normalise

log = logging.getLogger(__name__)

PUBLISH, FLAG, HOLD, REJECT = "publish", "flag", "hold", "reject"
SEVERITY = {PUBLISH: 0, FLAG: 1, HOLD: 2, REJECT: 3}

DEFAULTS = {
    "MODERATION_MAX_LINKS": 2,
    "MODERATION_OFFENSIVE_HOLD": 0.97,
    "MODERATION_OFFENSIVE_FLAG": 0.85,
    "MODERATION_REPEAT_SIMILARITY": 90,
    "MODERATION_REPEAT_MIN_LENGTH": 40,
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])


@dataclass(frozen=True)
class Verdict:
    """What one check says: `action` (flag, hold or reject), a `code` for
    moderators and a `message` the author can understand."""

    action: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"verdict": self.action, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class Outcome:
    """The pipeline's answer: the most severe verdict and every reason, in order."""

    verdict: str
    reasons: tuple[Verdict, ...]

    def as_dict(self) -> dict:
        return {
            "verdict": self.verdict,
            "reasons": [reason.as_dict() for reason in self.reasons],
        }


@dataclass
class Submission:
    """A comment as the checks see it.

    `newcomer`: the author has no approved comments yet (guests always), or a
    function answering that, asked only if a check needs to know.
    `recent_bodies`: other readers' and articles' recent comments, or a function
    returning them, asked only if the repeat check runs (see
    `services.recent_bodies`).
    """

    body: str
    name: str = ""
    email: str = ""
    website: str = ""
    newcomer: bool | Callable[[], bool] = True
    guest: bool = True
    recent_bodies: Sequence[str] | Callable[[], Sequence[str]] = ()
    ip: str = ""
    user_agent: str = ""
    _lists: Lists | None = field(default=None, repr=False)

    @cached_property
    def is_newcomer(self) -> bool:
        newcomer = self.newcomer
        return bool(newcomer() if callable(newcomer) else newcomer)

    @cached_property
    def normalised(self) -> Normalised:
        return normalise(self.body)

    @cached_property
    def context(self) -> patterns.Context:
        return patterns.Context(self.normalised)

    @cached_property
    def terms(self) -> dict[str, list[Match]]:
        """The pattern lists' words in the body, by list."""
        found: dict[str, list[Match]] = defaultdict(list)
        for match in patterns.terms_matcher().find(self.normalised):
            found[match.value].append(match)
        return found

    @cached_property
    def lists(self) -> Lists:
        return self._lists or current_lists()

    @cached_property
    def offensive_score(self) -> float:
        return offensive.score(self.normalised.plain)

    @cached_property
    def links(self) -> list[linking.Link]:
        return linking.find_links(self.normalised.plain)

    def recent(self) -> Sequence[str]:
        bodies = self.recent_bodies
        return bodies() if callable(bodies) else bodies

    def reported(self, match: Match) -> bool:
        return patterns.is_reported(self.context, self.terms, match)

    def explained(self, match: Match) -> bool:
        """A reporting word anywhere in the match's sentence ("the 1488 tattoo
        refers to Heil Hitler")."""
        return patterns.reported_in_sentence(self.context, self.terms, match)


# --- the checks ---------------------------------------------------------------------
_NAMES_KEPT = 10_000


def check_name(submission: Submission) -> Verdict | None:
    """A guest's name that is the site's, an author's or staff's (look-alikes
    too), or that contains a banned or suspect phrase. The answer for a name is
    kept until the lists or the reserved names change."""
    name = submission.name.strip()
    if not name:
        return None
    if submission._lists is not None:  # lists of the caller's own: nothing kept
        return _name_verdict(name, submission)
    memo = name_memo()
    key = (name, submission.guest)
    if key not in memo:
        if len(memo) >= _NAMES_KEPT:
            memo.clear()
        memo[key] = _name_verdict(name, submission)
    return memo[key]


def _name_verdict(name: str, submission: Submission) -> Verdict | None:
    if submission.guest and is_reserved_name(name):
        return Verdict(
            REJECT,
            "reserved_name",
            "That name belongs to the site, one of its authors or its staff. "
            "Please comment under your own name.",
        )
    if submission.guest and _claims_a_name(name):
        return Verdict(
            HOLD,
            "impersonation",
            "Your name looks like that of the site, one of its authors or its "
            "staff. A moderator will check it before your comment appears.",
        )
    actions = {m.value for m in submission.lists.phrases.find(normalise(name))}
    if REJECT in actions:
        return Verdict(
            REJECT, "name_language", "That name is not allowed here. Choose another."
        )
    if HOLD in actions:
        return Verdict(
            HOLD,
            "name_language",
            "A moderator will look at your name before your comment appears.",
        )
    return None


_NAME_WORD = re.compile(r"[^\W_]+")


def _claims_a_name(name: str) -> bool:
    """Whether a guest's name has the site's, an author's or staff's in it with
    something around it ("Tomasz Wierzbicki (author)", "GlobalNews Editorial",
    "Kestrel (Noor H.)"). Compared word by word on skeletons, so look-alike
    letters, spacing and punctuation change nothing, and "Noorani" is not
    "Noor H."."""
    words = [name_skeleton(word) for word in _NAME_WORD.findall(name)]
    words = [word for word in words if word]
    claimed = claimed_names()
    return any(
        "".join(words[start:end]) in claimed
        for start in range(len(words))
        for end in range(start + 1, min(len(words), start + 4) + 1)
    )


def check_phrases(submission: Submission) -> Verdict | None:
    """Banned phrases refuse, suspect ones hold; quoted or reported, either only
    flags. A banned phrase with a reporting word after it in its sentence ("the
    1488 tattoo refers to…") is held instead: an explanation, or abuse with
    "racist" in it, for a moderator to tell apart."""
    actions = set()
    for match in submission.lists.phrases.find(submission.normalised):
        if submission.reported(match):
            actions.add(FLAG)
        elif match.value == REJECT and submission.explained(match):
            actions.add(HOLD)
        else:
            actions.add(match.value)
    if REJECT in actions:
        return Verdict(
            REJECT,
            "banned_phrase",
            "Your comment contains a slur, a threat or abuse that is not allowed "
            "here. Please rewrite it without that language.",
        )
    if HOLD in actions:
        return Verdict(
            HOLD,
            "suspect_phrase",
            "Your comment contains wording a moderator reads before it appears. "
            "It will be published if it keeps to the site's rules.",
        )
    if FLAG in actions:
        return Verdict(
            FLAG,
            "quoted_phrase",
            "Your comment quotes offensive language; it is published, and a "
            "moderator may look at it.",
        )
    return None


def _host_verdict(host: str, lists: Lists, where: str) -> Verdict | None:
    if linking.covered(host, lists.blocked):
        return Verdict(
            REJECT,
            "blocked_link",
            f"{where} to {host} are not accepted here. If it is a shortened link, "
            "give the full address instead.",
        )
    if trusted := linking.imitated(host, lists.trusted):
        return Verdict(
            HOLD,
            "lookalike_link",
            f"{host} looks like the address of {trusted} but is not. A moderator "
            "will check the link before your comment appears.",
        )
    return None


def check_links(submission: Submission) -> Verdict | None:
    """Known-bad domains refuse; look-alikes of trusted sources, too many links,
    and a newcomer's links to sources not on the trusted list hold."""
    lists = submission.lists
    verdicts = []
    for link in submission.links:
        if verdict := _host_verdict(link.host, lists, "Links"):
            verdicts.append(verdict)
    if submission.website:
        host = linking.host_of(submission.website)
        if host and (verdict := _host_verdict(host, lists, "Websites")):
            verdicts.append(verdict)
    limit = setting("MODERATION_MAX_LINKS")
    if len(submission.links) > limit:
        verdicts.append(
            Verdict(
                HOLD,
                "many_links",
                f"Comments with more than {limit} links wait for a moderator.",
            )
        )
    if (
        any(not linking.covered(link.host, lists.trusted) for link in submission.links)
        and submission.is_newcomer
    ):
        verdicts.append(
            Verdict(
                HOLD,
                "newcomer_link",
                "Links from readers new to the discussion wait for a moderator, "
                "unless they point to one of the sources the site trusts.",
            )
        )
    return max(verdicts, key=lambda v: SEVERITY[v.action], default=None)


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w+])\+?\d[\d ().-]{7,}\d(?!\w)")


def check_contact_details(submission: Submission) -> Verdict | None:
    """An e-mail address or telephone number in a newcomer's comment: how spam
    asks to be answered, and how readers get their own details harvested."""
    plain = submission.normalised.plain
    phone = any(
        sum(c.isdigit() for c in found.group()) >= 9 for found in _PHONE.finditer(plain)
    )
    if (phone or _EMAIL.search(plain)) and submission.is_newcomer:
        return Verdict(
            HOLD,
            "contact_details",
            "Comments from new readers with an e-mail address or telephone number "
            "wait for a moderator.",
        )
    return None


def _comparable(normalised: Normalised) -> str:
    return " ".join(normalised.keys)


def similar_body(body: Normalised, recent: Sequence[str]) -> str | None:
    """The recent body that `body` is a near copy of, if any: compared on
    normalised words, so changed case, spacing, punctuation or look-alike letters
    do not make a copy new."""
    mine = _comparable(body)
    if len(mine) < setting("MODERATION_REPEAT_MIN_LENGTH"):
        return None
    threshold = setting("MODERATION_REPEAT_SIMILARITY")
    # Bodies whose lengths differ too much cannot reach the threshold. The
    # bounds are on raw lengths, loosened for the punctuation normalising drops.
    shortest = len(mine) * threshold / (200 - threshold)
    longest = len(mine) * (200 - threshold) / threshold * 1.5 + 20
    candidates = [text for text in recent if text and shortest <= len(text) <= longest]
    if not candidates:
        return None
    kept = _comparable_cache.get
    comparable = [kept(text) or _comparable_text(text) for text in candidates]
    found = process.extractOne(
        mine, comparable, scorer=fuzz.ratio, score_cutoff=threshold
    )
    return candidates[found[2]] if found else None


_comparable_cache: dict[str, str] = {}
_COMPARABLE_KEPT = 4096


def _comparable_text(text: str, normalised: Normalised | None = None) -> str:
    """A recent body's words as the repeat check compares them, worked out once:
    the same recent bodies come back comment after comment. A comment being
    checked gives its own `normalised`, so that it is not worked out again when
    it comes back as a recent body."""
    found = _comparable_cache.get(text)
    if found is None:
        if len(_comparable_cache) > _COMPARABLE_KEPT:
            _comparable_cache.clear()
        found = _comparable_cache[text] = _comparable(normalised or normalise(text))
    return found


def check_repeats(submission: Submission) -> Verdict | None:
    """The same comment posted again with small changes, or the same link posted
    again, by anyone, under any article."""
    recent = submission.recent()
    _comparable_text(submission.body, submission.normalised)
    if not recent:
        return None
    if similar_body(submission.normalised, recent):
        return Verdict(
            HOLD,
            "repeated",
            "This comment is almost the same as one posted recently. A moderator "
            "will read it before it appears.",
        )
    lists = submission.lists
    for link in submission.links:
        if linking.covered(link.host, lists.trusted):
            continue
        if any(link.url in body for body in recent):
            return Verdict(
                HOLD,
                "repeated_link",
                "This link was posted recently in another comment. A moderator "
                "will check it before your comment appears.",
            )
    return None


def check_offensive(submission: Submission) -> Verdict | None:
    """A high offensive-language score holds (never refuses)."""
    score = submission.offensive_score
    if score >= setting("MODERATION_OFFENSIVE_HOLD"):
        return Verdict(
            HOLD,
            "offensive",
            "Your comment reads as abusive or profane. A moderator will read it "
            "before it appears; criticise ideas, not people.",
        )
    if score >= setting("MODERATION_OFFENSIVE_FLAG"):
        return Verdict(
            FLAG,
            "offensive",
            "Your comment is published; its tone may be looked at by a moderator.",
        )
    return None


def check_patterns(submission: Submission) -> Verdict | None:
    """Dehumanising, inciting, threatening, insulting or advertising wording that
    the lists of phrases miss (data/patterns/)."""
    if not submission.terms:
        return None
    findings = patterns.find(
        submission.normalised,
        submission.context,
        people=people_matcher().find(submission.normalised),
    )
    if not findings:
        return None
    rule = max((f.rule for f in findings), key=lambda r: SEVERITY[r.verdict])
    return Verdict(rule.verdict, rule.code, rule.message)


_SIGNATURE = re.compile(r"(?:\n|[—–~]|(?<=\s)-{1,2})\s*([^\n—–~]{2,60}?)[\s.!]*$")
# A signature in the name of a team or desk: "— The Global News team", "--
# Editorial desk". What is left once these words are taken off is compared with
# the reserved names.
_SIGNATURE_TEAM = re.compile(
    r"^(?:the\s+)?(.+?)(?:'s)?\s+(?:team|desk|staff|editors|newsroom|"
    r"editorial team|moderation team|moderators)$",
    re.IGNORECASE,
)


# Signatures of the site's desks that name no one: "— Editorial Team".
_SIGNATURE_DESK = re.compile(
    r"^(?:the\s+)?(?:(?:editorial|moderation|news|comments?|community)\s+"
    r"(?:team|desk|staff)|editors|moderators|newsroom)$",
    re.IGNORECASE,
)


def _signed_as(signature: str) -> bool:
    """Whether a signature is a reserved name, a reserved name's team, or one
    of the site's desks."""
    if is_reserved_name(signature) or _SIGNATURE_DESK.match(signature.strip()):
        return True
    team = _SIGNATURE_TEAM.match(signature.strip())
    return bool(team and is_reserved_name(team.group(1)))


# The words of a notice's heading among the claims of impersonation.txt.
_HEADINGS = frozenset({"note", "notice", "reply", "replies"})
# Words before a claim that make it a reader's description of someone: "Zoë
# isn't even the author here", "ask our editor here" (as normalised keys). Not
# "a": "just a moderator here" is how an impostor begins too.
_DESCRIBING = frozenset(
    {"the", "this", "that", "our", "your", "their", "his", "her", "its"}
)


def check_impersonation(submission: Submission) -> Verdict | None:
    """A comment that claims to come from the site, an author or staff ("this is
    Noor Halvorsen", "moderator here"), or is signed with such a name."""
    # Only quotation excuses a claim: "I am the author" reported as said is rare,
    # and reporting words ("propaganda", "said") are common in such claims. A
    # notice's heading ("Editor's note:", "Mod note", "A note from the editors")
    # claims only where it opens a sentence: readers cite "the last editor's note".
    keys = submission.normalised.keys
    # A name answered by "@" is the one spoken to ("@Global News Moderation
    # Team, don't click that link"), if the claim is all in it: "@Amina I am the
    # author" still claims.
    mentioned = classifier.mentions(submission.normalised)
    claims = [
        match
        for match in impersonation_matcher().find(submission.normalised)
        if not submission.context.quoted(match.last_word)
        and not (match.first_word and keys[match.first_word - 1] in _DESCRIBING)
        and not mentioned.issuperset(range(match.first_word, match.last_word + 1))
        and (
            not _HEADINGS.intersection(keys[match.first_word : match.last_word + 1])
            or submission.context.opens_sentence(match.first_word)
        )
    ]
    signature = _SIGNATURE.search(submission.normalised.plain.strip())
    signed = bool(
        signature
        and signature.start() > 0
        and _signed_as(signature.group(1))
        and not (submission.name and signature.group(1).strip() == submission.name)
    )
    if claims or (signed and submission.guest):
        return Verdict(
            HOLD,
            "impersonation",
            "Your comment seems to speak for the site, one of its authors or its "
            "staff. A moderator will check it before it appears.",
        )
    return None


# Pattern lists that say who is spoken of or how (the reader, a group, "not",
# "called them"), not what is said of them: a short comment with only these has
# nothing for the classifier to go on but its guess.
_FRAMING_LISTS = frozenset(
    {
        "addressees",
        "targets",
        "pronouns",
        "groups",
        "institutions",
        "copulas",
        "copulas_after",
        "negations",
        "negations_after",
        "reporting",
        "reporting_after",
        "victim_markers",
        "exclamations",
        "totality",
        "arrivals",
    }
)
# Fewer words than this, and the classifier holds only with something to go on.
_CLASSIFIER_SHORT = 8


def _something_to_go_on(submission: Submission) -> bool:
    """A word of the lists beyond the framing ones, a somewhat offensive tone,
    a link, or enough words for the model's guess to mean something."""
    return (
        len(submission.normalised.keys) >= _CLASSIFIER_SHORT
        or any(name not in _FRAMING_LISTS for name in submission.terms)
        or submission.offensive_score >= 0.5
        or bool(submission.links)
    )


# Lists with nothing hostile in their terms alone: framing, everyday words,
# calls ("should", "must") and what ties someone to a fate ("like", "the way").
_EVERYDAY_LISTS = _FRAMING_LISTS | classifier.UNNAMED | {"calls", "fate_links"}


def _sympathy_alone(submission: Submission) -> bool:
    """Sympathy or good wishes (sympathy.txt: "sending love", "stay safe") with
    no other term of the lists but framing and everyday ones ("you", "I hope",
    "should"), no link and a mild tone: "@Shirin sending love to you and your
    sister. I hope she has people around her" shares its words with threats."""
    terms = submission.terms
    return (
        "sympathy" in terms
        and all(name in _EVERYDAY_LISTS for name in terms)
        and submission.offensive_score < 0.5
        and not submission.links
    )


def check_classifier(submission: Submission) -> Verdict | None:
    """What moderators remove, learnt (classifier.py): from the labelled
    comments shipped with Tribune, then from this site's own decisions too.
    Holds, never refuses; a short comment ("Who wrote this?") only when it has
    something besides the model's guess against it, and words of sympathy only
    with something else to go on."""
    if not _something_to_go_on(submission) or _sympathy_alone(submission):
        return None
    score = classifier.score(
        classifier.documents(
            submission.normalised, submission.terms, submission.context
        )
    )
    if score is None or score < classifier.setting("MODERATION_CLASSIFIER_HOLD"):
        return None
    return Verdict(
        HOLD,
        "classifier",
        "Your comment resembles comments our moderators removed before. A "
        "moderator will read it before it appears.",
    )


def check_outside(submission: Submission) -> Verdict | None:
    """The optional outside spam service (off unless configured)."""
    if not outside.enabled():
        return None
    spam = outside.is_spam(
        body=submission.body,
        name=submission.name,
        email=submission.email,
        website=submission.website,
        ip=submission.ip,
        user_agent=submission.user_agent,
    )
    if spam:
        return Verdict(
            HOLD,
            "outside_spam",
            "Your comment looks like spam to our spam filter. A moderator will "
            "read it before it appears.",
        )
    return None


CHECKS: tuple[Callable[[Submission], Verdict | None], ...] = (
    check_name,
    check_phrases,
    check_links,
    check_contact_details,
    check_repeats,
    check_offensive,
    check_patterns,
    check_impersonation,
    check_classifier,
    check_outside,
)


def run_checks(
    submission: Submission,
    checks: Sequence[Callable[[Submission], Verdict | None]] = CHECKS,
) -> Outcome:
    """Every check on `submission`, in order: the most severe verdict and the
    reasons. A check that fails is logged and counts as a flag, so that a bug
    is seen by a moderator and never stops a reader with an error."""
    reasons: list[Verdict] = []
    for check in checks:
        if check is check_outside and any(r.action == REJECT for r in reasons):
            continue  # refused already: nothing to ask a service about
        try:
            verdict = check(submission)
        except Exception:
            log.exception("Moderation check %s failed", check.__name__)
            verdict = Verdict(
                FLAG,
                "check_failed",
                "Your comment is published; one of our checks could not run.",
            )
        if verdict is not None:
            reasons.append(verdict)
    verdict = max(
        (r.action for r in reasons), key=SEVERITY.__getitem__, default=PUBLISH
    )
    return Outcome(verdict=verdict, reasons=tuple(reasons))
