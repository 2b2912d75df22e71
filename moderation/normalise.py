"""Text made fit for matching, with a way back to the words it came from.

Someone who wants a banned word past a filter writes it so a reader still sees
the word and a naive comparison does not: "VERMIN", "vеrmin" with a Cyrillic е,
"v3rm1n", "ver\u200bmin", "v.e.r.m.i.n", "v e r m i n", "verrrmin", or the word
typed backwards after a right-to-left override so that it is displayed forwards.
`normalise` undoes all of these at once and returns a `Normalised` text:

- `plain`: the text as a reader sees it, in display order: HTML character
  references decoded ("w&#111;rd" and "&shy;" are shown as a letter and an
  invisible hyphen, for comments are rendered from Markdown), NFKC, accents and other
  combining marks taken off (not the vowel signs of the scripts of South Asia,
  which are part of their words), invisible and format characters (zero-width spaces,
  direction controls, the Arabic tatweel) removed, and what a right-to-left
  override displays backwards put the right way round. Quotation marks and
  punctuation stay, for the checks that read context.
- `words`: each word's span in `plain`.
- `keys`: each word folded for comparison: case-folded, look-alike letters from
  other scripts read as Latin (only when the whole word then reads as Latin, so
  an Arabic or Russian word is left alone), digits and symbols standing for
  letters read as letters ("k1ll", "sh!t", "a$$"), and runs of one letter
  squeezed to one ("verrrmin" to "vermin"); how long each run was is kept, so
  that "ass" is never taken for "as".
- `text`: the keys joined by single spaces, with a space before and after, which
  is what the phrase matcher searches. A pattern is normalised the same way and
  searched with a space on each side, so matches begin and end on word
  boundaries: "Scunthorpe", "class" and "assess" contain no banned word.

A pictograph (an emoji such as 🐀, 🪳 or 🔪) is a word of its own, read as its
Unicode name ("rat", "cockroach", "hocho", "pigface" for 🐷): an emoji put next to a
group's name says what a word would, and a list that has "rat" (or "🐀", which is
normalised the same way) finds both.

Chinese, Japanese and Korean are written without spaces between words (or, in
Korean, with particles joined to them): each of their characters is a word of its
own (a Hangul syllable too), so that a phrase of several ("蟑螂") is found
wherever it stands in a run of them, and a negation or a reporting verb next to
it is a word apart.

Letters joined by single hyphens, dots, underscores or asterisks are one word
("ver-min", "v.e.r.m.i.n"), and three or more one-letter words in a row are read
as one word too ("v e r m i n"): both are how letters are spaced out to escape a
filter.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from accounts.names import fold_lookalikes

# Digits and symbols that stand for letters inside a word. Only read so in words
# that have at least one letter: "1488" and "2024" stay numbers.
LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
        "+": "t",
        "€": "e",
    }
)

# The vowel signs, viramas and other marks of the scripts of South Asia
# (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada,
# Malayalam, Sinhala: U+0900 to U+0DFF) are part of the word, not accents: "मुल्ले"
# without them is "मल", and the spacing ones would split "कीड़े" in two. They are
# kept, in `plain` and in the keys. Only the marks that common spellings write or
# leave out at will are dropped from the keys: the nukta ("ज़"/"ज"), the
# candrabindu and the anusvara ("हूँ"/"हूं"/"हू").
_INDIC_MARKS = "".join(
    chr(code)
    for code in range(0x0900, 0x0E00)
    if unicodedata.category(chr(code)) in ("Mn", "Mc")
)
_INDIC_OPTIONAL = str.maketrans(
    dict.fromkeys("\u0901\u0902\u093c\u0981\u0982\u09bc\u0a02\u0a3c\u0a70\u0abc")
)

_RLO, _RLE, _PDF = "\u202e", "\u202b", "\u202c"
# Characters that draw nothing: format characters (category Cf: zero-width
# spaces and joiners, direction marks and overrides, soft hyphen, BOM), the
# Arabic tatweel that stretches a word without changing it, and fillers that
# render as blank space.
_INVISIBLE = {"\u0640", "\u034f", "\u115f", "\u1160", "\u2800", "\u3164", "\uffa0"}
_DROPPED_CATEGORIES = {"Cf", "Mn", "Me", "Cs", "Co"}

# A word: letters and digits, with symbols from LEET allowed between letters
# ("sh!t", "k|ll"), "@" or "$" before one ("@ss", "$cum") and "$" after ("a$$").
# One hyphen, underscore, asterisk or dot between letters joins them ("ver-min",
# "sub_human", "v.e.r.m.i.n", "bbc.com"): a pattern with a hyphen is normalised
# the same way, and the matcher also looks for its words run together.
# Apostrophes and spaces separate words ("don't" is "don t", "d'Arabes" is
# "d arabes", as French elision needs).
# Pictographs: emoji, dingbats and other symbols drawn as pictures (the
# supplementary blocks from U+1F300, and U+2600 to U+27BF). Each is a word.
_PICTOGRAPHS = "\u2600-\u27bf\U0001f300-\U0001faff"
_PICTOGRAPH = re.compile(f"[{_PICTOGRAPHS}]")
# Han characters, kana and Hangul (syllables and jamo): each is a word. (A class of
# characters for a regular expression: patterns.py ends sentences with it too.)
CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_CHARACTER = re.compile(f"[{CJK}]")
# A Hangul syllable, as the text has it decomposed (see `plain_text`): an initial,
# a vowel and perhaps a final consonant, one word.
_HANGUL_SYLLABLE = (
    "[\u1100-\u115f\ua960-\ua97f][\u1160-\u11a7\ud7b0-\ud7c6]"
    "[\u11a8-\u11ff\ud7cb-\ud7fb]?"
)
_LETTER = rf"(?:[^\W_{CJK}]|[{_INDIC_MARKS}])"
_WORD = re.compile(
    f"{_HANGUL_SYLLABLE}|[{_PICTOGRAPHS}{CJK}]|"
    rf"(?:[@$](?={_LETTER}))?"
    rf"(?:{_LETTER}+|(?:(?<=[^\W_])|(?<=[{_INDIC_MARKS}]))(?:[@$!|+]+|[-_.]|\*+)"
    rf"(?={_LETTER}))+"
    r"\$*"
)
_NOT_ALNUM = re.compile(rf"(?:(?![{_INDIC_MARKS}])[\W_])+")
_RUN = re.compile(r"(.)\1+")
_EACH_RUN = re.compile(r"(.)\1*")
# One-letter words that may stand before a spaced-out word.
_ONE_LETTER_WORDS = {"a", "i", "y", "o", "u"}
# Between spaced-out letters: a space or a little punctuation, never a new line.
_LETTER_GAP = re.compile(r"[^\S\n]*[.\-_*·•,/\\]?[^\S\n]*")


@dataclass(frozen=True, slots=True)
class Normalised:
    """A text prepared for matching (see the module's docstring)."""

    plain: str
    words: tuple[tuple[int, int], ...]
    keys: tuple[str, ...]
    text: str
    # Where each key starts in `text`, and the run lengths of keys that had
    # repeated letters (absent: every run was one letter long).
    starts: tuple[int, ...]
    runs: dict[int, tuple[int, ...]]
    # Words with letters hidden by asterisks ("v*rmin", "f**k"), by index: the
    # squeezed key with one "*" for each hidden run.
    masked: dict[int, str]

    def word_at(self, offset: int) -> int:
        """The index of the word that holds `text[offset]` (or follows it, for a
        space)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def run_lengths(self, start: int, end: int) -> list[int]:
        """How many times each character of `text[start:end]` was repeated."""
        lengths = []
        offset = start
        while offset < end:
            if self.text[offset] == " ":
                lengths.append(1)
                offset += 1
                continue
            index = self.word_at(offset)
            key_start = self.starts[index]
            runs = self.runs.get(index)
            stop = min(end, key_start + len(self.keys[index]))
            for position in range(offset, stop):
                lengths.append(runs[position - key_start] if runs else 1)
            offset = stop
        return lengths


# Latin letters drawn as symbols that NFKC leaves alone and the confusables data
# lacks: small capitals ("ᴠᴇʀᴍɪɴ"), negative circled and squared letters ("🅥"),
# regional indicators ("🇻"). Found by their Unicode names.
_LETTER_SHAPE_BLOCKS = ((0x0250, 0x02B0), (0x1D00, 0x1D2C), (0xA720, 0xA800))
_LETTER_SHAPE_SYMBOLS = ((0x1F100, 0x1F200), (0x1F1E6, 0x1F200))
_LETTER_NAME = re.compile(
    r"(?:LATIN LETTER SMALL CAPITAL|LATIN CAPITAL LETTER|REGIONAL INDICATOR "
    r"SYMBOL LETTER) ([A-Z])$"
)


@lru_cache(maxsize=1)
def _letter_shapes() -> dict[int, str]:
    table = {}
    for start, end in _LETTER_SHAPE_BLOCKS + _LETTER_SHAPE_SYMBOLS:
        for code in range(start, end):
            found = _LETTER_NAME.search(unicodedata.name(chr(code), ""))
            if found:
                table[code] = found.group(1).lower()
    return table


def display_order(text: str) -> str:
    """`text` with what a right-to-left override shows backwards reversed.

    After U+202E (or U+202B, embedding) up to U+202C or the end of the line,
    Latin letters are displayed right to left: "\\u202enimrev" shows as "vermin".
    The controls themselves are left for `normalise` to drop.
    """
    if _RLO not in text and _RLE not in text:
        return text
    out: list[str] = []
    position = 0
    pattern = re.compile(f"[{_RLO}{_RLE}]([^{_PDF}\n]*)")
    for found in pattern.finditer(text):
        out.append(text[position : found.start(1)])
        out.append(found.group(1)[::-1])
        position = found.end(1)
    out.append(text[position:])
    return "".join(out)


def plain_text(raw: str) -> str:
    """The text as a reader sees it, without invisible characters or accents."""
    if "&" in raw:
        raw = html.unescape(raw)
    text = display_order(unicodedata.normalize("NFKC", raw))
    if text.isascii():
        return "".join(c for c in text if c.isprintable() or c in "\n\t")
    decomposed = unicodedata.normalize("NFKD", text).translate(_letter_shapes())
    return "".join(
        c
        for c in decomposed
        if c not in _INVISIBLE
        and (
            c in "\n\t"
            or c in _INDIC_MARKS
            or unicodedata.category(c) not in _DROPPED_CATEGORIES
        )
    )


# Bounded: the words come from readers.
@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """One word (as `_WORD` finds it) folded for comparison, before squeezing."""
    if _CJK_CHARACTER.match(word):
        return word  # a character or syllable, never a look-alike of a Latin letter
    if len(word) == 1 and _PICTOGRAPH.match(word):
        return _NOT_ALNUM.sub("", unicodedata.name(word, "").casefold())
    key = word.casefold()
    if not key.isascii():
        folded = fold_lookalikes(key)
        # A mixed word ("kіll" with a Ukrainian і) or one made only of look-alikes
        # ("ѕсum") is read as Latin; a word in another script is kept.
        if folded.isascii() or any("a" <= c <= "z" for c in key):
            key = folded
    if any(c.isalpha() for c in key):
        key = key.translate(LEET)
    return _NOT_ALNUM.sub("", key).translate(_INDIC_OPTIONAL)


_STARS = re.compile(r"\*+")


def masked_key(word: str) -> str:
    """A word with asterisks between letters, folded like `word_key` but keeping
    one "*" where letters are hidden: "M*slims" gives "m*slims"."""
    parts = [word_key(part) for part in _STARS.split(word)]
    return squeeze("*".join(parts))[0]


@lru_cache(maxsize=65536)
def squeeze(key: str) -> tuple[str, tuple[int, ...] | None]:
    """`key` with runs of one letter made one, and each run's length (None when
    no letter was repeated)."""
    if not _RUN.search(key):
        return key, None
    letters: list[str] = []
    lengths: list[int] = []
    for run in _EACH_RUN.finditer(key):
        letters.append(run.group(1))
        lengths.append(len(run.group(0)))
    return "".join(letters), tuple(lengths)


def is_cjk_character(key: str) -> bool:
    """Whether `key` is one Chinese, Japanese or Korean character (a word)."""
    return len(key) == 1 and bool(_CJK_CHARACTER.match(key))


def _spaced_letter(key: str) -> bool:
    """A one-letter word that may be a letter spaced out from its word (not a
    Chinese, Japanese or Korean character, which is a word by itself)."""
    return len(key) == 1 and not is_cjk_character(key)


def _join_spaced_letters(
    plain: str, spans: list[tuple[int, int]], keys: list[str]
) -> tuple[list[tuple[int, int]], list[str]]:
    """Three or more one-letter words in a row, separated by a space or a little
    punctuation, become one word: "v.e.r.m.i.n" and "v e r m i n" read "vermin"."""
    out_spans: list[tuple[int, int]] = []
    out_keys: list[str] = []
    index = 0
    count = len(keys)
    while index < count:
        end = index
        while (
            end + 1 < count
            and _spaced_letter(keys[end])
            and _spaced_letter(keys[end + 1])
            and _LETTER_GAP.fullmatch(plain, spans[end][1], spans[end + 1][0])
        ):
            end += 1
        if end - index >= 2:
            out_spans.append((spans[index][0], spans[end][1]))
            out_keys.append("".join(keys[index : end + 1]))
            if keys[index] in _ONE_LETTER_WORDS and end - index >= 3:
                # "are a p l a g u e": the first letter may be a word of its own,
                # so the rest is read as a word too.
                out_spans.append((spans[index + 1][0], spans[end][1]))
                out_keys.append("".join(keys[index + 1 : end + 1]))
            index = end + 1
        else:
            out_spans.append(spans[index])
            out_keys.append(keys[index])
            index += 1
    return out_spans, out_keys


def normalise(raw: str) -> Normalised:
    """`raw` prepared for matching: see the module's docstring."""
    plain = plain_text(raw)
    spans: list[tuple[int, int]] = []
    keys: list[str] = []
    for found in _WORD.finditer(plain):
        key = word_key(found.group())
        if key:
            spans.append(found.span())
            keys.append(key)
    if any(len(key) == 1 for key in keys):
        spans, keys = _join_spaced_letters(plain, spans, keys)
    masked: dict[int, str] = {}
    if "*" in plain:
        for index, (start, end) in enumerate(spans):
            word = plain[start:end]
            if "*" in word.strip("*"):
                masked[index] = masked_key(word)
    squeezed: list[str] = []
    starts: list[int] = []
    runs: dict[int, tuple[int, ...]] = {}
    offset = 1
    for index, key in enumerate(keys):
        letters, lengths = squeeze(key)
        squeezed.append(letters)
        starts.append(offset)
        if lengths is not None:
            runs[index] = lengths
        offset += len(letters) + 1
    return Normalised(
        plain=plain,
        words=tuple(spans),
        keys=tuple(squeezed),
        text=" ".join(["", *squeezed, ""]),
        starts=tuple(starts),
        runs=runs,
        masked=masked,
    )


def phrase_key(phrase: str) -> tuple[str, tuple[int, ...]]:
    """A moderator's phrase as the matcher searches for it: its normalised text
    with a space on each side, and the run length of every character (a text must
    repeat each letter at least as often to match). Empty when the phrase has no
    letters or digits."""
    normalised = normalise(phrase)
    if not normalised.keys:
        return "", ()
    text = normalised.text
    return text, tuple(normalised.run_lengths(0, len(text)))
