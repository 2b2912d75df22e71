"""Finding a quoted passage again after the article it quotes was edited.

A passage is kept as a text-quote selector (the exact words, up to 32 characters
either side of them), the id of the body block it was in and where in that
block it started. Given the text of each block of a newer version, `resolve`
looks for it in this order:

1. the exact words in the same block, nearest the old offset (or, when they
   occur more than once there, where the surrounding words agree best);
2. the exact words anywhere, choosing by the surrounding words when they occur
   more than once, and giving up when that does not tell the places apart;
3. the closest approximate match, scored on the words and their surroundings,
   accepted only above a threshold.

Otherwise the passage is orphaned: it is never re-attached to the wrong words.
Comparisons ignore typography (curly or straight quotes, dashes, runs of
spaces), but positions are always given in the block's own text.

Pure functions of their arguments, so they can be tested over a corpus of edits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

CONTEXT = 32  # characters of prefix and suffix kept around a passage
MAX_EXACT = 500

# Approximate matches: how alike the words must be (0-100), and how alike words
# and surroundings together, weighted below. A passage shorter than
# FUZZY_MIN_LENGTH is only ever found exactly: a few letters are too easily alike.
QUOTE_THRESHOLD = 75.0
SCORE_THRESHOLD = 82.0
QUOTE_WEIGHT, CONTEXT_WEIGHT = 0.7, 0.15
FUZZY_MIN_LENGTH = 12
# Found once, elsewhere than its block: short phrases recur in an article, so a
# passage shorter than this must bring some of its surroundings along to be
# believed; an approximate match always must.
MOVED_MIN_LENGTH = 40
MIN_CONTEXT = 50.0

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2026": ".",  # an ellipsis counts as one full stop: close enough
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
    }
)


@dataclass(frozen=True)
class Anchor:
    """Where a passage is: its words, their surroundings, block and offset."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    block_id: str = ""
    offset: int = 0


@dataclass(frozen=True)
class Found:
    """A passage found again: its anchor in the new text, and how it was found
    ("exact", "moved" or "approximate")."""

    anchor: Anchor
    how: str


class _Normalised:
    """A text with its typography evened out, remembering where each of its
    characters came from in the original."""

    def __init__(self, text: str):
        chars: list[str] = []
        origin: list[int] = []
        in_space = False
        for i, ch in enumerate(text):
            ch = ch.translate(_TYPOGRAPHY)
            if not ch:
                continue
            if ch.isspace():
                if in_space:
                    continue
                in_space, ch = True, " "
            else:
                in_space = False
            chars.append(ch.casefold() if len(ch.casefold()) == 1 else ch)
            origin.append(i)
        self.original = text
        self.text = "".join(chars)
        self._origin = origin

    def position(self, offset: int) -> int:
        """Where the original text's `offset` falls in the normalised text: the
        length of its first `offset` characters normalised."""
        return bisect_left(self._origin, offset)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original positions of the normalised span [start, end)."""
        if start >= len(self._origin):
            return len(self.original), len(self.original)
        return self._origin[start], self._origin[end - 1] + 1


def normalise(text: str) -> str:
    return _Normalised(text).text


def anchor_at(text: str, start: int, end: int, block_id: str) -> Anchor:
    """The anchor of text[start:end] in a block, with its surroundings."""
    return Anchor(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        block_id=block_id,
        offset=start,
    )


def locate_in_block(text: str, anchor: Anchor) -> int | None:
    """Where in `text` the anchor's exact words start, as they are (no
    typography evened out): nearest the offset, unless the surroundings agree
    better elsewhere. None if they are not there."""
    starts = _occurrences(anchor.exact, text) if anchor.exact else []
    if not starts:
        return None
    if anchor.offset in starts:
        return anchor.offset
    plain = _Normalised(text)

    def agreement(start: int) -> tuple[float, int]:
        # The context is compared on the normalised text, where start maps to.
        n_start = len(normalise(text[:start]))
        n_end = n_start + len(normalise(anchor.exact))
        given = bool(anchor.prefix or anchor.suffix)
        score = _context(anchor, plain, n_start, n_end) if given else 0.0
        return score, -abs(start - anchor.offset)

    if len(starts) == 1 or not (anchor.prefix or anchor.suffix):
        return min(starts, key=lambda s: abs(s - anchor.offset))
    return max(starts, key=agreement)


@lru_cache(maxsize=1024)
def _surroundings(anchor: Anchor) -> tuple[str, str]:
    # Asked for every place a passage might be: kept, not evened out each time.
    return normalise(anchor.prefix), normalise(anchor.suffix)


def _side_scores(anchor: Anchor, text: _Normalised, start: int, end: int):
    prefix_old, suffix_old = _surroundings(anchor)
    prefix_new = text.text[max(0, start - len(prefix_old)) : start]
    suffix_new = text.text[end : end + len(suffix_old)]

    def alike(old: str, new: str) -> float:
        if not old:
            return 100.0
        return fuzz.ratio(old, new)

    return alike(prefix_old, prefix_new), alike(suffix_old, suffix_new)


def _context(anchor: Anchor, text: _Normalised, start: int, end: int) -> float:
    before, after = _side_scores(anchor, text, start, end)
    return (before + after) / 2


def _occurrences(needle: str, haystack: str) -> list[int]:
    found, at = [], haystack.find(needle)
    while at != -1:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def _found(text: _Normalised, start: int, end: int, block_id: str, how: str):
    first, last = text.span(start, end)
    return Found(anchor_at(text.original, first, last, block_id), how)


def resolve(blocks: dict[str, str], anchor: Anchor) -> Found | None:
    """The passage in `blocks` (block id → its text, in page order), or None
    when it cannot be found with confidence (orphaned)."""
    return resolve_all(blocks, [anchor])[0]


def resolve_all(
    blocks: dict[str, str], anchors: Iterable[Anchor]
) -> list[Found | None]:
    """`resolve` for each of the anchors, in their order. The blocks' text is
    evened out once for all of them: on a long article that is most of the
    work, and a publication looks for every passage of the article at once."""
    texts = {block_id: _Normalised(text) for block_id, text in blocks.items()}
    return [_resolve(texts, anchor) for anchor in anchors]


def _resolve(texts: dict[str, _Normalised], anchor: Anchor) -> Found | None:
    needle = normalise(anchor.exact).strip()
    if not needle:
        return None

    # 1. The same block: its exact words, where the context agrees best, then
    # nearest where they were.
    if (home := texts.get(anchor.block_id)) is not None:
        starts = _occurrences(needle, home.text)
        if starts:
            hint = home.position(anchor.offset)
            best = max(
                starts,
                key=lambda s: (
                    _context(anchor, home, s, s + len(needle)),
                    -abs(s - hint),
                ),
            )
            return _found(home, best, best + len(needle), anchor.block_id, "exact")

    # 2. The exact words anywhere else.
    candidates = [
        (block_id, start)
        for block_id, text in texts.items()
        if block_id != anchor.block_id
        for start in _occurrences(needle, text.text)
    ]
    if candidates:
        scored = sorted(
            (
                (_context(anchor, texts[b], s, s + len(needle)), b, s)
                for b, s in candidates
            ),
            key=lambda item: -item[0],
        )
        score, block_id, start = scored[0]
        ambiguous = len(scored) > 1 and scored[1][0] >= score
        believable = len(needle) >= MOVED_MIN_LENGTH or score >= MIN_CONTEXT
        if not ambiguous and believable:
            text = texts[block_id]
            return _found(text, start, start + len(needle), block_id, "moved")
        # The words are there, but which of them is meant cannot be told:
        # an approximate match would only find the same words again.
        return None

    # 3. The closest approximate match, if it is close enough.
    if len(needle) < FUZZY_MIN_LENGTH:
        return None
    best: tuple[float, str, int, int] | None = None
    for block_id, text in texts.items():
        match = _approximate(anchor, needle, text)
        if match is not None and (best is None or match[0] > best[0]):
            best = (match[0], block_id, match[1], match[2])
    if best is None:
        return None
    _, block_id, start, end = best
    return _found(texts[block_id], start, end, block_id, "approximate")


def _approximate(
    anchor: Anchor, needle: str, text: _Normalised
) -> tuple[float, int, int] | None:
    """The span of `text` most like the passage, with its score, if it passes.

    rapidfuzz aligns the words; words that grew or shrank move the span's edges,
    so the word boundaries nearby are tried too, scored with the surroundings
    (a span cut short leaves its lost words in the suffix, which then differs).
    """
    haystack = text.text
    if not haystack.strip():
        return None
    alignment = fuzz.partial_ratio_alignment(
        needle, haystack, score_cutoff=QUOTE_THRESHOLD - 10
    )
    if alignment is None or alignment.score < QUOTE_THRESHOLD - 10:
        return None
    start, end = alignment.dest_start, alignment.dest_end
    reach = max(4, len(needle) // 5)
    starts = {start} | {
        s
        for s in range(max(0, start - reach), min(len(haystack), start + reach) + 1)
        if s == 0 or (haystack[s - 1] == " " and haystack[s] != " ")
    }
    ends = {end} | {
        e
        for e in range(max(1, end - reach), min(len(haystack), end + reach) + 1)
        if e == len(haystack) or (haystack[e - 1] != " " and not haystack[e].isalnum())
    }
    best = None
    for s in starts:
        for e in ends:
            if e - s < len(needle) // 2:
                continue
            quote = fuzz.ratio(needle, haystack[s:e])
            if quote < QUOTE_THRESHOLD:
                continue
            before, after = _side_scores(anchor, text, s, e)
            if (before + after) / 2 < MIN_CONTEXT:
                continue
            score = QUOTE_WEIGHT * quote + CONTEXT_WEIGHT * (before + after)
            if score >= SCORE_THRESHOLD and (best is None or score > best[0]):
                best = (score, s, e)
    return best
