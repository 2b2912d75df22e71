"""The big article of bench/passages.sh, its 500 passages and the edit that
moves them (stdlib only; no Django).

The prose is the demo site's own (every paragraph, quote and heading of its
eleven articles, with their links, italics and curly typography), lengthened
to 5,000 words by paragraphs made from it with a seeded word chain, so every
run builds the same article. Each paragraph is kept as tokens (words, spaces,
tags), so that after the edit the script knows where each passage's words are
and can check where re-anchoring put them.

    article = build()          # old body, passages, the edit, the new body
    article.old_body           # StreamField data (list of dicts with ids)
    article.passages           # 500 Passage specs (old anchor, expected new one)
    article.new_body
"""

from __future__ import annotations

import random
import re
import sys
import uuid
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from demo import content as demo  # noqa: E402

WORDS = 5_000
PASSAGES = 500
APPROXIMATE = 50
CONTEXT = 32  # as discussion.anchoring.CONTEXT
SEED = 8


def say(*parts) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")


class Token:
    """A piece of a paragraph: a word, a run of spaces, or a tag (no text)."""

    __slots__ = ("text", "html", "kind")

    def __init__(self, kind: str, text: str, html: str | None = None):
        self.kind, self.text = kind, text
        self.html = escape(text, quote=False) if html is None else html


@dataclass
class Block:
    type: str  # "paragraph", "heading" or "quote"
    id: str
    tokens: list[Token] = field(default_factory=list)  # paragraphs
    value: object = None  # other blocks

    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    def data(self) -> dict:
        value = self.value
        if self.type == "paragraph":
            value = "<p>" + "".join(t.html for t in self.tokens) + "</p>"
        return {"type": self.type, "value": value, "id": self.id}


@dataclass
class PassageSpec:
    """One passage: its words as tokens, its anchor in the old body and, once
    the edit is made, where it should be found in the new one."""

    first: Token
    last: Token
    kind: str = "exact"  # what the edit did to it: see Article.kinds
    old: dict = field(default_factory=dict)  # exact prefix suffix block_id offset
    new: dict = field(default_factory=dict)  # exact block_id offset


@dataclass
class Article:
    old_body: list[dict]
    new_body: list[dict]
    passages: list[PassageSpec]
    words: int
    paragraphs: int
    edits: dict

    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.passages:
            out[p.kind] = out.get(p.kind, 0) + 1
        return out


def _tokens(html: str) -> list[Token]:
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    out = []
    for part in re.split(r"(<[^>]+>)", html):
        if not part:
            continue
        if part.startswith("<"):
            out.append(Token("tag", "", part))
            continue
        for piece in re.split(r"(\s+)", unescape(part)):
            if piece:
                out.append(Token("space" if piece.isspace() else "word", piece))
    return out


def _plain_words(html: str) -> list[str]:
    return unescape(re.sub(r"<[^>]+>", "", html)).split()


class _Chain:
    """An order-2 word chain over the demo's paragraphs: new sentences in the
    demo's vocabulary and rhythm, with its typography."""

    def __init__(self, paragraphs: list[str], rng: random.Random):
        self.rng = rng
        self.next: dict[tuple[str, str], list[str]] = {}
        self.starts: list[tuple[str, str]] = []
        for html in paragraphs:
            words = _plain_words(html)
            for i in range(len(words) - 2):
                key = (words[i], words[i + 1])
                self.next.setdefault(key, []).append(words[i + 2])
                if i == 0 or words[i - 1].endswith((".", "?", "!")):
                    if words[i][:1].isupper():
                        self.starts.append(key)

    def sentence(self) -> list[str]:
        while True:
            a, b = self.rng.choice(self.starts)
            words = [a, b]
            while len(words) < 40:
                options = self.next.get((words[-2], words[-1]))
                if not options:
                    break
                words.append(self.rng.choice(options))
                if words[-1].endswith((".", "?", "!")) and len(words) >= 8:
                    return words


def _paragraph_of(words: list[str], rng: random.Random) -> list[Token]:
    tokens: list[Token] = []
    link_at = rng.randrange(len(words)) if rng.random() < 0.4 else -1
    for i, word in enumerate(words):
        if i:
            tokens.append(Token("space", " "))
        if i == link_at:
            tokens += [
                Token("tag", "", '<a href="https://example.org/report">'),
                Token("word", word),
                Token("tag", "", "</a>"),
            ]
        elif rng.random() < 0.03:
            tag = rng.choice(["i", "b"])
            tokens += [
                Token("tag", "", f"<{tag}>"),
                Token("word", word),
                Token("tag", "", f"</{tag}>"),
            ]
        else:
            tokens.append(Token("word", word))
    return tokens


def _new_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _sentence_tokens(words: list[str]) -> list[Token]:
    out: list[Token] = []
    for word in words:
        out += [Token("word", word), Token("space", " ")]
    return out


def _count_words(blocks: list[Block]) -> int:
    n = 0
    for b in blocks:
        if b.type == "paragraph":
            n += len(b.text().split())
        elif b.type == "quote":
            n += len(b.value["text"].split())
        elif b.type == "heading":
            n += len(b.value["text"].split())
    return n


def _old_blocks(rng: random.Random) -> tuple[list[Block], _Chain]:
    demo_blocks = [b for a in demo.ARTICLES for b in a["body"]]
    chain = _Chain([v for t, v in demo_blocks if t == "paragraph"], rng)
    blocks: list[Block] = []
    for n, (kind, value) in enumerate(demo_blocks):
        if kind == "paragraph":
            blocks.append(Block("paragraph", _new_id(rng), _tokens(value)))
        elif kind in ("heading", "quote"):
            blocks.append(Block(kind, _new_id(rng), value=dict(value)))
        else:
            continue
        if kind == "paragraph" and n % 2:
            # A paragraph of new sentences after every other demo paragraph,
            # until the article is long enough.
            if _count_words(blocks) < WORDS - 150:
                words: list[str] = []
                while len(words) < 70:
                    words += chain.sentence()
                blocks.append(
                    Block("paragraph", _new_id(rng), _paragraph_of(words, rng))
                )
    while _count_words(blocks) < WORDS:
        words = []
        while len(words) < 70:
            words += chain.sentence()
        blocks.append(Block("paragraph", _new_id(rng), _paragraph_of(words, rng)))
    return blocks, chain


def _text_upto(block: Block, token: Token) -> int:
    n = 0
    for t in block.tokens:
        if t is token:
            return n
        n += len(t.text)
    raise ValueError("token not in block")


def _span_text(block: Block, first: Token, last: Token) -> str:
    out, inside = [], False
    for t in block.tokens:
        if t is first:
            inside = True
        if inside:
            out.append(t.text)
        if t is last:
            return "".join(out)
    raise ValueError("span not in block")


def _choose_passages(blocks: list[Block], rng: random.Random) -> list[PassageSpec]:
    """PASSAGES word spans over the paragraphs (by their length), none
    overlapping another, each found once in the whole article: readers pick
    distinctive words, and the check of where they end up needs one answer."""
    paragraphs = [b for b in blocks if b.type == "paragraph"]
    whole = "\n".join(b.text() for b in paragraphs)
    words = [
        (b, i) for b in paragraphs for i, t in enumerate(b.tokens) if t.kind == "word"
    ]
    taken: set[int] = set()
    chosen: list[PassageSpec] = []
    tries = 0
    while len(chosen) < PASSAGES:
        tries += 1
        if tries > 200_000:
            raise RuntimeError("could not place the passages")
        block, i = rng.choice(words)
        length = rng.choice([2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 12, 14])
        span, j = [], i
        while (
            j < len(block.tokens)
            and len([t for t in span if t.kind == "word"]) < length
        ):
            span.append(block.tokens[j])
            j += 1
        while span and span[-1].kind != "word":
            span.pop()
        if not span or any(id(t) in taken for t in span):
            continue
        # keep a word's gap on each side free, so marks never touch
        before = block.tokens[i - 1] if i > 0 else None
        after = block.tokens[j] if j < len(block.tokens) else None
        if (before is not None and id(before) in taken) or (
            after is not None and id(after) in taken
        ):
            continue
        text = "".join(t.text for t in span)
        if len(text) > 200 or whole.count(text) != 1:
            continue
        taken.update(id(t) for t in span)
        chosen.append(PassageSpec(first=span[0], last=span[-1]))
    for spec in chosen:
        block = next(b for b in paragraphs if any(t is spec.first for t in b.tokens))
        text = block.text()
        start = _text_upto(block, spec.first)
        exact = _span_text(block, spec.first, spec.last)
        end = start + len(exact)
        spec.old = {
            "exact": exact,
            "prefix": text[max(0, start - CONTEXT) : start],
            "suffix": text[end : end + CONTEXT],
            "block_id": block.id,
            "offset": start,
        }
    return chosen


_CURLY = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-"}
)


def _edit(blocks, passages, chain, rng) -> tuple[list[Block], dict]:
    """The new version: what an editor does to a long piece between two
    publications. Returns the new blocks and what was done."""
    spans_of: dict[int, PassageSpec] = {}  # id(token) -> passage over it
    for spec in passages:
        block = next(b for b in blocks if any(t is spec.first for t in b.tokens))
        inside = False
        for t in block.tokens:
            if t is spec.first:
                inside = True
            if inside:
                spans_of[id(t)] = spec
            if t is spec.last:
                break
    edits = {}
    quoted = [p.old["exact"] for p in passages]

    def fresh_sentence() -> list[str]:
        # New words never repeat a passage's: the check of where each passage
        # went needs one place for its words.
        while True:
            words = chain.sentence()
            if not any(q in " ".join(words) for q in quoted):
                return words

    # 1. A word changed inside 50 passages of six words or more (a better word,
    #    a correction): only an approximate match finds them.
    long = [p for p in passages if len(p.old["exact"].split()) >= 6]
    vocabulary = sorted(
        {
            t.text
            for b in blocks
            if b.type == "paragraph"
            for t in b.tokens
            if t.kind == "word" and t.text.isalpha() and t.text.islower()
        }
    )
    for spec in rng.sample(long, APPROXIMATE):
        block = next(b for b in blocks if any(t is spec.first for t in b.tokens))
        inner, inside = [], False
        for t in block.tokens:
            if t is spec.first:
                inside = True
            elif t is spec.last:
                break
            elif inside and t.kind == "word":
                inner.append(t)
        word = rng.choice(inner)
        alike = [
            w
            for w in vocabulary
            if abs(len(w) - len(word.text)) <= 1 and w != word.text
        ]
        word.text = rng.choice(alike)
        word.html = escape(word.text, quote=False)
        spec.kind = "approximate"
    edits["word changed inside a passage"] = APPROXIMATE

    paragraphs = [b for b in blocks if b.type == "paragraph"]
    # 2. Typography evened out in half the paragraphs (pasted back from a
    #    plain-text editor: straight quotes and apostrophes, hyphens for dashes).
    straightened = 0
    for block in rng.sample(paragraphs, len(paragraphs) // 2):
        changed = False
        for t in block.tokens:
            if t.kind == "word" and t.text != t.text.translate(_CURLY):
                t.text = t.text.translate(_CURLY)
                t.html = escape(t.text, quote=False)
                changed = True
        if changed:
            straightened += 1
            for t in block.tokens:
                spec = spans_of.get(id(t))
                if (
                    spec
                    and spec.kind == "exact"
                    and spec.old["exact"] != _span_text(block, spec.first, spec.last)
                ):
                    spec.kind = "exact, typography"
    edits["paragraphs with straightened quotes"] = straightened

    # 3. A new sentence at the start of a third of the paragraphs.
    for block in rng.sample(paragraphs, len(paragraphs) // 3):
        block.tokens[:0] = _sentence_tokens(fresh_sentence())
    edits["paragraphs with a sentence added at the start"] = len(paragraphs) // 3

    # 4. Three pairs of paragraphs merged (the second's passages move into the
    #    first), three split in two at a full stop (the second half is a new
    #    block), two moved elsewhere in the article (same blocks), three new
    #    paragraphs and a heading added.
    new = list(blocks)
    merged = 0
    for _ in range(3):
        pairs = [
            i
            for i in range(len(new) - 1)
            if new[i].type == new[i + 1].type == "paragraph"
        ]
        i = rng.choice(pairs)
        new[i].tokens += [Token("space", " ")] + new[i + 1].tokens
        del new[i + 1]
        merged += 1
    split = 0
    for block in rng.sample([b for b in new if b.type == "paragraph"], 20):
        if split == 3:
            break
        cuts = [
            k
            for k, t in enumerate(block.tokens)
            if t.kind == "space"
            and 0 < k < len(block.tokens) - 1
            and block.tokens[k - 1].text.endswith(".")
            and id(t) not in spans_of
        ]
        if not cuts:
            continue
        k = cuts[len(cuts) // 2]
        second = Block("paragraph", _new_id(rng), block.tokens[k + 1 :])
        del block.tokens[k:]
        new.insert(new.index(block) + 1, second)
        split += 1
    for _ in range(2):
        block = new.pop(rng.randrange(len(new)))
        new.insert(rng.randrange(len(new)), block)
    for _ in range(3):
        words: list[str] = []
        while len(words) < 60:
            words += fresh_sentence()
        new.insert(
            rng.randrange(len(new)),
            Block("paragraph", _new_id(rng), _paragraph_of(words, rng)),
        )
    new.insert(
        rng.randrange(len(new)),
        Block(
            "heading", _new_id(rng), value={"text": "What comes next", "level": "h2"}
        ),
    )
    edits["paragraph pairs merged"] = merged
    edits["paragraphs split in two"] = split
    edits["paragraphs moved"] = 2
    edits["paragraphs added"] = 3

    for spec in passages:
        block = next(b for b in new if any(t is spec.first for t in b.tokens))
        spec.new = {
            "exact": _span_text(block, spec.first, spec.last),
            "block_id": block.id,
            "offset": _text_upto(block, spec.first),
        }
        if spec.kind.startswith("exact") and block.id != spec.old["block_id"]:
            spec.kind = "moved to another block"
        elif spec.kind == "exact" and spec.new["offset"] != spec.old["offset"]:
            spec.kind = "exact, shifted"
    return new, edits


def build() -> Article:
    rng = random.Random(SEED)
    blocks, chain = _old_blocks(rng)
    old_body = [b.data() for b in blocks]
    words = _count_words(blocks)
    paragraphs = sum(b.type == "paragraph" for b in blocks)
    passages = _choose_passages(blocks, rng)
    new_blocks, edits = _edit(blocks, passages, chain, rng)
    return Article(
        old_body=old_body,
        new_body=[b.data() for b in new_blocks],
        passages=passages,
        words=words,
        paragraphs=paragraphs,
        edits=edits,
    )


if __name__ == "__main__":
    article = build()
    say(
        article.words,
        "words,",
        article.paragraphs,
        "paragraphs,",
        len(article.old_body),
        "blocks",
    )
    say(article.kinds())
    say(article.edits)
