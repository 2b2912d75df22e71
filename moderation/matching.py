"""Finding many phrases in a text at once, on normalised words.

One Aho–Corasick automaton (pyahocorasick) holds every phrase, so a comment is
read once whatever the number of phrases: time grows with the length of the
comment and the number of matches, not with the size of the lists. Phrases are
only ever data: nothing a moderator types becomes a regular expression.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ahocorasick

from .normalise import Normalised, is_cjk_character, phrase_key


@dataclass(frozen=True, slots=True)
class Match:
    """A phrase found: what it was added with, and the words it covers
    (indices into `Normalised.words`, the last one included)."""

    value: Any
    first_word: int
    last_word: int


# The letters a term needs before or after its "*" to match words it begins or
# ends: fewer would match too many words.
OPEN_STEM = 4

# Arabic writes the article on to its word, and "and", "with", "so", "like" and
# "for" on to the article ("الروافض", "والروافض", "للروافض"): a word listed bare
# is found with them. Only words of four letters or more, in Arabic letters
# alone: "ال" before a shorter one makes other words ("ماس", "الماس" a diamond
# in Persian and Urdu).
ARABIC_ARTICLES = ("ال", "وال", "بال", "فال", "كال", "لل", "ولل")
_ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B))


def _takes_the_article(phrase: str) -> bool:
    first = phrase.split(maxsplit=1)[0] if phrase.strip() else ""
    return (
        len(first) >= OPEN_STEM
        and not first.startswith("ال")
        and all(letter in _ARABIC_LETTERS for letter in first)
    )


def _open_ends(spelling: str, key: str) -> tuple[bool, bool]:
    """Whether a term is open at its start ("*ذبح": any word ending so) or at
    its end ("kızınız*": any word beginning so), by a "*" written there: words of
    languages that add to them ("kızınızın", "ونذبح"), without a rule for each
    ending. The stem, the letters next to the "*", must be long enough."""
    words = key.split()
    text = spelling.strip()
    return (
        text.startswith("*") and len(words[0]) >= OPEN_STEM,
        text.endswith("*") and len(words[-1]) >= OPEN_STEM,
    )


def _opened(key, lengths, open_start: bool, open_end: bool, value):
    """A key and its entry, without the space that closes a word on an open
    end, so that the automaton finds it inside longer words."""
    start, end = int(open_start), len(key) - int(open_end)
    return key[start:end], (tuple(lengths[start:end]), value)


def _add(grouped: dict[str, list], key: str, entry: tuple) -> None:
    entries = grouped.setdefault(key, [])
    if entry not in entries:
        entries.append(entry)


class Matcher:
    """Phrases compiled once, searched for in any number of normalised texts.

    `entries` are (phrase, value) pairs; the value comes back with each match.
    A phrase with fewer than two letters or digits once normalised (".*", "!!!",
    "c++") would match nothing or nearly everything, and is left out; but a
    Chinese or Japanese character is a word by itself ("在", "in").
    """

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        grouped: dict[str, list[tuple[tuple[int, ...], Any]]] = {}
        self.size = 0
        for phrase, value in entries:
            counted = False
            for spelling in self._spellings(phrase):
                key, lengths = phrase_key(spelling)
                if len(key) <= 3 and not is_cjk_character(key.strip()):
                    continue
                open_start, open_end = _open_ends(spelling, key)
                counted = True
                _add(grouped, *_opened(key, lengths, open_start, open_end, value))
                if 1 < key.count(" ") - 1 <= 2:
                    # A phrase of two or three words also matches them written as
                    # one ("so called" and "socalled", "sub human" and "subhuman").
                    joined = " " + key.strip().replace(" ", "") + " "
                    runs = tuple(
                        n for n, c in zip(lengths, key, strict=True) if c != " "
                    )
                    _add(
                        grouped,
                        *_opened(joined, (1, *runs, 1), open_start, open_end, value),
                    )
            self.size += counted
        # One-word phrases with one or two letters in a row hidden ("v*rmin",
        # "f**k"), looked up whole: words with asterisks are few.
        self._masked: dict[str, list[Any]] = {}
        for key, values in grouped.items():
            word = key.strip()
            if " " in word or len(word) < 4 or word != key[1:-1]:
                continue
            for start in range(len(word)):
                for hidden in (1, 2):
                    if start + hidden <= len(word) and len(word) - hidden >= 2:
                        variant = word[:start] + "*" + word[start + hidden :]
                        self._masked.setdefault(variant, []).extend(
                            value for _, value in values
                        )
        self._automaton = ahocorasick.Automaton()
        for key, values in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(values)))
        if grouped:
            self._automaton.make_automaton()

    @staticmethod
    def _spellings(phrase: str) -> list[str]:
        """A phrase, and a hyphenated one with spaces too: the text may write
        "made-up" as "made up" (and as "madeup", which the key itself covers);
        and one in Arabic letters with the article written on to it."""
        spellings = [phrase, phrase.replace("-", " ")] if "-" in phrase else [phrase]
        return spellings + [
            article + spelling
            for spelling in spellings
            if _takes_the_article(spelling)
            for article in ARABIC_ARTICLES
        ]

    def __bool__(self) -> bool:
        return self.size > 0

    def find(self, normalised: Normalised) -> Iterator[Match]:
        """Every phrase in the text, in the order their last letters appear, then
        the one-word phrases found in words with hidden letters."""
        if not self.size:
            return
        text = normalised.text
        for end, (length, values) in self._automaton.iter(text):
            start = end - length + 1
            repeated = None
            for lengths, value in values:
                if any(n > 1 for n in lengths):
                    # "ass" is squeezed to "as" like the word "as": the text must
                    # repeat each letter at least as often as the phrase does.
                    if repeated is None:
                        repeated = normalised.run_lengths(start, end + 1)
                    if any(t < p for t, p in zip(repeated, lengths, strict=True)):
                        continue
                yield Match(
                    value=value,
                    first_word=normalised.word_at(start + 1),
                    last_word=normalised.word_at(end - 1),
                )
        for index, key in normalised.masked.items():
            for value in dict.fromkeys(self._masked.get(key, ())):
                yield Match(value=value, first_word=index, last_word=index)
