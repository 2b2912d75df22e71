"""Dehumanisation, incitement, threats, insults and spam that a phrase list
misses: words from two or three lists near each other in one sentence.

The rules and their lists are data (data/patterns/rules.toml and the .txt files
beside it), so a moderator can read why a comment was held and add a word. This
module only knows how to apply them, and how to tell a comment that says a thing
from one that reports or condemns it: quotation marks around the predicate, a
reporting word in the sentence ("called them", "so-called", "propaganda"), a
negation just before the predicate ("are not vermin").

Beyond pairs of words, it knows a few structures that no list can say: a rule
of one list (a hate code, a warning), terms in different sentences (spam), an
equals sign or an Urdu copula after the predicate as a joining word, the echo
"(((name)))", and the site's own people as those a threat or insult is aimed at
(see rules.toml for all of them).
"""

from __future__ import annotations

import bisect
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from .lists import DATA, pattern_lists
from .matching import Match, Matcher
from .normalise import CJK, Normalised

# The lists that the names of the site's people join (see `find`).
TARGETS, ADDRESSEES = "targets", "addressees"
# A group named right after a word of harm is its victim (see `_object_of_harm`).
HARM = "harm"
# A group named right after a negation ("not all Muslims") is not the subject
# of what follows (see `is_negated`).
GROUPS = "groups"
# Copulas after the predicate, in subject-object-verb languages (see `_joined`).
COPULAS_AFTER = "copulas_after"
# Lists with a role in every rule rather than a rule of their own.
REPORTING, NEGATIONS, INSTITUTIONS, VICTIM_MARKERS = (
    "reporting",
    "negations",
    "institutions",
    "victim_markers",
)
# Reporting verbs and negations that follow what they report or deny, in
# subject-object-verb languages: "... को कीड़े कहा" (called them vermin), "...
# kutte nahi hain", "... köpek değil" (see `is_reported`, `is_negated`).
REPORTING_AFTER, NEGATIONS_AFTER = "reporting_after", "negations_after"
REPORTING_AFTER_REACH = 4  # words after the predicate, in its sentence
ADJACENT = 2  # "migrant scum", "Migrants: human garbage" need no joining word
REPORTING_REACH = 12  # words either side of the predicate, in its sentence
NEGATION_REACH = 2  # words just before the predicate
SCARE_QUOTE = 2  # words in quotation marks that mock a name rather than quote
COPULA_REACH = 5  # "are dirty goat herders": words from the copula to the predicate

_QUOTED = re.compile(
    r"\"[^\"\n]{1,400}\"|“[^”\n]{1,400}[”“]|„[^“”\n]{1,400}[“”]|«[^»\n]{1,400}»"
    r"|「[^」\n]{1,400}」"
    # Single quotation marks, with the apostrophes of the words inside them
    # ('six million wasn't enough', ‘wasn’t’, 'it lands on your kids' school').
    r"|‘(?:[^’\n]|(?<=\w)’(?=\w)|(?<=s)’(?= \w)){1,400}’"
    r"|(?<![\w'])'(?:[^'\n]|(?<=\w)'(?=\w)|(?<=s)'(?= \w)){1,400}'(?![\w'])"
    # Gershayim, typed for quotation marks in Hebrew; inside a word they mark
    # an abbreviation (צה״ל).
    r"|(?<!\w)״[^״\n]{1,400}״(?!\w)"
)
# A sentence ends at a full stop, question or exclamation mark before a space, and
# in Chinese, Japanese and Korean at the ideographic full stop, or at a mark right
# after a character of theirs ("滚出去!他们"), with no space.
_SENTENCE_END = re.compile(rf"[.!?؟۔;]+(?=\s|$)|[。｡]+|(?<=[{CJK}])[!?;]+|\n")
# Triple parentheses around a name, "(((they)))", the antisemitic "echo" that
# marks someone as Jewish: punctuation, which normalising drops, so it is found
# here in the plain text. Each one found counts as a term of codes.txt.
CODES = "codes"
_ECHO = re.compile(r"\({3}[^()\n]{1,60}\){3}")
# "@name": a reader answered by their handle is spoken to, as "you" is. The
# "@" is punctuation that normalising reads as a letter, so it is found here in
# the plain text; each handle counts as a term of addressees.txt.
_HANDLE = re.compile(r"(?<![\w@])@[\w.]{2,40}")
# "Rohingya = invaders": an equals sign (or an arrow) between a group and a
# predicate says one is the other, as a copula would.
_EQUALS = ("=", "→", "⇒", "=>")


@dataclass(frozen=True)
class Rule:
    code: str
    lists: tuple[str, ...]
    within: int
    verdict: str
    message: str
    # A list of which some term must be somewhere in the comment.
    requires: str = ""
    # Whether victim_markers.txt applies (rules about a group of people).
    victim_markers: bool = False
    # A list of which a word must stand between a subject and a predicate that
    # follows it more than ADJACENT words away ("Muslims are vermin").
    joined_by: str = ""
    # Whether the terms may be in different sentences of the comment: spam puts
    # the offer in one sentence and where to answer it in the next.
    across_sentences: bool = False
    # Whether the predicate must open its sentence: a verb of violence said
    # first is an order ("Burn them all", "Nuke Pakistan"); after a subject it
    # is more often news ("the mob tried to burn the church").
    opens_sentence: bool = False
    # Whether the term of the first list must come before the predicate: "kill
    # them all" orders a killing, "them all ... killed" more often tells of one.
    in_order: bool = False


@dataclass(frozen=True)
class Finding:
    """A rule that fired, with the words it fired on (for moderators only)."""

    rule: Rule
    words: tuple[int, int]


@cache
def rules() -> tuple[Rule, ...]:
    data = tomllib.loads((DATA / "patterns" / "rules.toml").read_text("utf-8"))
    return tuple(
        Rule(
            code=rule["code"],
            lists=tuple(rule["lists"]),
            within=int(rule["within"]),
            verdict=rule["verdict"],
            message=rule["message"],
            requires=rule.get("requires", ""),
            victim_markers=bool(rule.get("victim_markers", False)),
            joined_by=rule.get("joined_by", ""),
            across_sentences=bool(rule.get("across_sentences", False)),
            opens_sentence=bool(rule.get("opens_sentence", False)),
            in_order=bool(rule.get("in_order", False)),
        )
        for rule in data["rule"]
    )


def _with_plurals(term: str) -> list[str]:
    if term[-1:].isalpha() and term[-1:].isascii():
        return [term, term + "s", term + "es"]
    return [term]


@cache
def terms_matcher() -> Matcher:
    """One automaton for every term of every list; a match's value is its list."""
    entries = []
    for name, terms in pattern_lists().items():
        for term in terms:
            entries += [(variant, name) for variant in _with_plurals(term)]
    return Matcher(entries)


# A translation in brackets right after a quotation: "'agla number tumhara'
# (you're next)".
_GLOSS = re.compile(r"\s*\([^()\n]{1,400}\)")


def _with_gloss(plain: str, span: tuple[int, int]) -> tuple[int, int]:
    """A quotation's span, with the translation given right after it: readers
    who quote a threat in its language put it into the site's."""
    gloss = _GLOSS.match(plain, span[1])
    return (span[0], gloss.end()) if gloss else span


class Context:
    """Where the quotations and sentences of a normalised text are."""

    def __init__(self, normalised: Normalised):
        self.normalised = normalised
        plain = normalised.plain
        self._quotes = [_with_gloss(plain, q.span()) for q in _QUOTED.finditer(plain)]
        ends = [found.end() for found in _SENTENCE_END.finditer(plain)]
        word_starts = [start for start, _ in normalised.words]
        self._word_starts = word_starts
        self._sentence = [bisect.bisect_right(ends, start) for start in word_starts]

    def sentence(self, word: int) -> int:
        return self._sentence[word]

    def opens_sentence(self, word: int) -> bool:
        """Whether the word is the first of its sentence."""
        return word == 0 or self._sentence[word - 1] != self._sentence[word]

    def quoted(self, word: int) -> bool:
        """Whether the word is inside quotation marks."""
        if not self._quotes:
            return False
        start, end = self.normalised.words[word]
        return any(a < start and end < b for a, b in self._quotes)

    def quoted_at_length(self, word: int) -> bool:
        """Whether the word is inside a quotation of more than two words: one
        or two words in quotation marks around a person or a group mock them
        rather than quote anyone ('that "activist"', 'the "refugees"')."""
        if not self._quotes:
            return False
        start, end = self.normalised.words[word]
        return any(
            a < start and end < b and self._words_within(a, b) > SCARE_QUOTE
            for a, b in self._quotes
        )

    def _words_within(self, a: int, b: int) -> int:
        starts = self._word_starts
        return bisect.bisect_left(starts, b) - bisect.bisect_right(starts, a)


def _overlap(a: Match, b: Match) -> bool:
    """One word in two lists ("vermin" is an insult and an animal) is not two."""
    return a.first_word <= b.last_word and b.first_word <= a.last_word


def _near(
    context: Context, a: Match, b: Match, within: int, across: bool = False
) -> bool:
    if not across and context.sentence(a.first_word) != context.sentence(b.first_word):
        return False
    gap = max(a.first_word, b.first_word) - min(a.last_word, b.last_word)
    return gap <= within


def _reporting_words(hits: dict[str, list[Match]]) -> list[Match]:
    """The reporting words that report: one right after a negation ("it's not
    racism, it's maths", "not propaganda") denies the report rather than makes
    it, so it excuses nothing; one inside a way of naming the writer ("whoever
    wrote this", "writes like") names someone rather than reports anything."""
    named = hits.get(ADDRESSEES, ())
    return [
        hit
        for hit in hits.get(REPORTING, ())
        if not is_negated(hits, hit)
        and not any(_overlap(hit, addressee) for addressee in named)
    ]


def is_reported(context: Context, hits: dict[str, list[Match]], word: Match) -> bool:
    """Whether the words at `word` are quoted, reported or condemned rather than
    said: in quotation marks, or after a reporting word in the same sentence,
    at most `REPORTING_REACH` words before."""
    if context.quoted(word.last_word):
        return True
    sentence = context.sentence(word.first_word)
    return any(
        context.sentence(hit.first_word) == sentence
        and word.first_word - REPORTING_REACH <= hit.first_word < word.first_word
        for hit in _reporting_words(hits)
    ) or any(
        context.sentence(hit.first_word) == sentence
        and word.last_word < hit.first_word <= word.last_word + REPORTING_AFTER_REACH
        for hit in hits.get(REPORTING_AFTER, ())
    )


def reported_in_sentence(
    context: Context, hits: dict[str, list[Match]], word: Match
) -> bool:
    """Like `is_reported`, with a reporting word anywhere in the sentence: a
    term that is a finding by itself is often named first and explained after
    ("6MWE is a neo-Nazi code")."""
    if context.quoted(word.last_word):
        return True
    sentence = context.sentence(word.first_word)
    return any(
        context.sentence(hit.first_word) == sentence and not _overlap(hit, word)
        for hit in [*_reporting_words(hits), *hits.get(REPORTING_AFTER, ())]
    )


def is_negated(hits: dict[str, list[Match]], word: Match) -> bool:
    """A negation just before `word`: the predicate ("are not vermin"), or a
    group as the subject ("not all Muslims are terrorists", "no refugee is a
    criminal"; but "No, you are the idiot" is still an insult, and "they're
    not refugees, they're an army" still says it)."""
    return any(
        word.first_word - NEGATION_REACH <= hit.last_word < word.first_word
        for hit in hits.get(NEGATIONS, ())
    ) or any(
        word.last_word < hit.first_word <= word.last_word + NEGATION_REACH
        for hit in hits.get(NEGATIONS_AFTER, ())
    )


def _victim_between(hits, subject: Match, predicate: Match) -> bool:
    """A group named after the predicate, with "against", "towards"… between."""
    if subject.first_word <= predicate.last_word:
        return False
    return any(
        predicate.last_word < hit.first_word < subject.first_word
        for hit in hits.get(VICTIM_MARKERS, ())
    )


# Words of harm that take no object: a group named after one is not its victim,
# and "die" is the German article ("die Juden", the Jews).
_NO_OBJECT = frozenset({"die", "dead", "death"})


def _object_of_harm(hits, subject: Match, keys: tuple[str, ...]) -> bool:
    """A group right after a word of harm is its victim, not the subject of
    what follows: in "the mobs lynching Muslims are terrorists" the mobs are."""
    return any(
        hit.last_word == subject.first_word - 1
        and not (hit.first_word == hit.last_word and keys[hit.first_word] in _NO_OBJECT)
        for hit in hits.get(HARM, ())
    )


def _handles(normalised: Normalised) -> list[Match]:
    """Each "@name" in the text, as a match of addressees.txt."""
    starts = [start for start, _ in normalised.words]
    found = []
    for handle in _HANDLE.finditer(normalised.plain):
        word = bisect.bisect_right(starts, handle.start()) - 1
        if word >= 0:
            found.append(Match(value=ADDRESSEES, first_word=word, last_word=word))
    return found


def _joined(
    context: Context, hits, joining: str, subject: Match, predicate: Match
) -> bool:
    """A subject and the predicate are joined: close by, with a word of
    `joining` between ("are", "like"), or with an equals sign. Either may come
    first ("Muslims are vermin", "vermin like the Roma"), but with no reporting
    word between them ("the terrorists who attacked the church were Pakistani",
    "vermin is what the leaflet called refugees")."""
    if not joining:
        return True
    first, second = (
        (subject, predicate)
        if subject.last_word < predicate.first_word
        else (predicate, subject)
    )
    if any(
        first.last_word < hit.first_word and hit.last_word < second.first_word
        for hit in hits.get(REPORTING, ())
    ):
        return False
    if second.first_word - first.last_word <= ADJACENT:
        return True
    words = context.normalised.words
    between = context.normalised.plain[
        words[first.last_word][1] : words[second.first_word][0]
    ]
    if any(sign in between for sign in _EQUALS):
        return True
    # Urdu and Hindi put the copula last: "Yahudi ... dushman hain".
    if first is subject and any(
        hit.first_word == predicate.last_word + 1 for hit in hits.get(COPULAS_AFTER, ())
    ):
        return True
    # The joining word must also be close to the second: in "Islam is a
    # religion of peace and terrorists do not speak for it", "is" says what
    # Islam is, not what terrorists are.
    return any(
        first.last_word < hit.first_word
        and hit.last_word < second.first_word
        and second.first_word - hit.last_word <= COPULA_REACH
        for hit in hits.get(joining, ())
    )


def _echoes(normalised: Normalised) -> list[Match]:
    """The words inside each "(((name)))", as matches of codes.txt."""
    found = []
    starts = [start for start, _ in normalised.words]
    for echo in _ECHO.finditer(normalised.plain):
        first = bisect.bisect_left(starts, echo.start())
        last = bisect.bisect_left(starts, echo.end()) - 1
        if first <= last:
            found.append(Match(value=CODES, first_word=first, last_word=last))
    return found


def find(
    normalised: Normalised,
    context: Context | None = None,
    people: Iterable[Match] = (),
) -> list[Finding]:
    """The rules that fire on a text, in the order of `rules()`. `people` are
    the site's authors and staff named in it (`lists.people_matcher`): each
    counts as a term of targets.txt and of addressees.txt."""
    hits: dict[str, list[Match]] = defaultdict(list)
    for match in terms_matcher().find(normalised):
        hits[match.value].append(match)
    for person in people:
        for name in (TARGETS, ADDRESSEES):
            hits[name].append(
                Match(
                    value=name, first_word=person.first_word, last_word=person.last_word
                )
            )
    if "(((" in normalised.plain:
        hits[CODES] += _echoes(normalised)
    if "@" in normalised.plain:
        hits[ADDRESSEES] += _handles(normalised)
    if not hits:
        return []
    context = context or Context(normalised)
    institution_words = {hit.first_word for hit in hits.get(INSTITUTIONS, ())}
    findings = []
    for rule in rules():
        if rule.requires and not hits.get(rule.requires):
            continue
        if len(rule.lists) == 1:
            # A term that needs no other: a hate code, an expulsion that names
            # its victims ("ship them all back", with `requires = "groups"`).
            for term in hits.get(rule.lists[0], ()):
                if not is_negated(hits, term) and not reported_in_sentence(
                    context, hits, term
                ):
                    findings.append(
                        Finding(rule=rule, words=(term.first_word, term.last_word))
                    )
                    break
            continue
        subject_list, predicate_list, *others = rule.lists
        subjects = [
            hit
            for hit in hits.get(subject_list, ())
            if hit.last_word + 1 not in institution_words
        ]
        if not subjects:
            continue
        across = rule.across_sentences
        for predicate in hits.get(predicate_list, ()):
            if rule.opens_sentence and not context.opens_sentence(predicate.first_word):
                continue
            # A rule's words are all said or all quoted: "after the killings:
            # 'we'll come back for your sons'" joins no harm to that "your". A
            # subject in quotation marks of its own ('that "activist" lives…')
            # is said, with a sneer.
            quoted = context.quoted(predicate.last_word)
            near = [
                s
                for s in subjects
                if _near(context, s, predicate, rule.within, across)
                and context.quoted_at_length(s.last_word) == quoted
                and not _overlap(s, predicate)
                and not (rule.in_order and s.first_word > predicate.first_word)
                and not (
                    rule.victim_markers
                    and (
                        _victim_between(hits, s, predicate)
                        or _object_of_harm(hits, s, context.normalised.keys)
                    )
                )
                and _joined(context, hits, rule.joined_by, s, predicate)
                and not (subject_list == GROUPS and is_negated(hits, s))
            ]
            if not near:
                continue
            if others and not all(
                any(
                    _near(context, other, predicate, rule.within, across)
                    and not _overlap(other, predicate)
                    and context.quoted(other.last_word) == quoted
                    for other in hits.get(name, ())
                )
                for name in others
            ):
                continue
            if is_negated(hits, predicate) or is_reported(context, hits, predicate):
                continue
            findings.append(
                Finding(rule=rule, words=(near[0].first_word, predicate.last_word))
            )
            break
    return findings
