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

from .normalise import Normalised, phrase_key


@dataclass(frozen=True, slots=True)
class Match:
    """A phrase found: what it was added with, and the words it covers
    (indices into `Normalised.words`, the last one included)."""

    value: Any
    first_word: int
    last_word: int


class Matcher:
    """Phrases compiled once, searched for in any number of normalised texts.

    `entries` are (phrase, value) pairs; the value comes back with each match.
    A phrase with fewer than two letters or digits once normalised (".*", "!!!",
    "c++") would match nothing or nearly everything, and is left out.
    """

    def __init__(self, entries: Iterable[tuple[str, Any]]):
        grouped: dict[str, list[tuple[tuple[int, ...], Any]]] = {}
        for phrase, value in entries:
            key, lengths = phrase_key(phrase)
            if len(key) <= 3:
                continue
            grouped.setdefault(key, []).append((lengths, value))
            if 1 < key.count(" ") - 1 <= 2:
                # A phrase of two or three words also matches them written as one
                # ("so called" and "socalled", "sub human" and "subhuman").
                joined = " " + key.strip().replace(" ", "") + " "
                runs = tuple(n for n, c in zip(lengths, key, strict=True) if c != " ")
                grouped.setdefault(joined, []).append(((1, *runs, 1), value))
        self.size = sum(len(values) for values in grouped.values())
        self._automaton = ahocorasick.Automaton()
        for key, values in grouped.items():
            self._automaton.add_word(key, (len(key), tuple(values)))
        if grouped:
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return self.size > 0

    def find(self, normalised: Normalised) -> Iterator[Match]:
        """Every phrase in the text, in the order their last letters appear."""
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
