"""Finding a passage again after edits: a corpus of edits and what each should give."""

from __future__ import annotations

import pytest

from discussion.anchoring import Anchor, anchor_at, resolve, resolve_all

ONE = (
    "The council met on Tuesday to discuss the new budget. Critics said the plan "
    "would cut services for the poorest families in the city."
)
TWO = (
    "Officials denied that. They said the plan would cut services only where "
    "demand had fallen, and that libraries would stay open."
)
THREE = (
    "Residents gathered outside the town hall, holding signs that read "
    "\u201cSave our library\u201d and chanting for hours."
)
ARTICLE = {"b1": ONE, "b2": TWO, "b3": THREE}


def anchor(words: str, block_id: str = "b1", blocks=None) -> Anchor:
    text = (blocks or ARTICLE)[block_id]
    start = text.index(words)
    return anchor_at(text, start, start + len(words), block_id)


POOREST = "the plan would cut services for the poorest families"
SIGNS = "holding signs that read \u201cSave our library\u201d"
MOVED = "Critics said the plan would cut services for the poorest families in the city."

# (id, anchor, blocks after the edit, (block, words) expected or None: orphaned)
CORPUS = [
    ("unchanged", anchor(POOREST), ARTICLE, ("b1", POOREST)),
    (
        "text inserted before",
        anchor(POOREST),
        {**ARTICLE, "b1": "In a long and heated session, " + ONE},
        ("b1", POOREST),
    ),
    (
        "text inserted before and after in the same words twice",
        anchor("the plan", "b1"),
        {**ARTICLE, "b1": "Before the plan was known, " + ONE},
        ("b1", "the plan"),
    ),
    (
        "a word changed inside",
        anchor(POOREST),
        {**ARTICLE, "b1": ONE.replace("families", "households")},
        ("b1", "the plan would cut services for the poorest households"),
    ),
    (
        "a word changed inside, text inserted before",
        anchor(POOREST),
        {**ARTICLE, "b1": "Late at night: " + ONE.replace("poorest", "poorer")},
        ("b1", "the plan would cut services for the poorer families"),
    ),
    (
        "a word added inside",
        anchor(POOREST),
        {**ARTICLE, "b1": ONE.replace("cut services", "cut essential services")},
        ("b1", "the plan would cut essential services for the poorest families"),
    ),
    (
        "curly quotes made straight",
        anchor(SIGNS, "b3"),
        {**ARTICLE, "b3": THREE.replace("\u201c", '"').replace("\u201d", '"')},
        ("b3", 'holding signs that read "Save our library"'),
    ),
    (
        "straight quotes made curly and spaces doubled",
        anchor("read 'Save", "b3", {"b3": "Signs that read 'Save our library' hung."}),
        {"b3": "Signs that read  \u2018Save our library\u2019 hung."},
        ("b3", "read  \u2018Save"),
    ),
    (
        "moved to another paragraph",
        anchor(MOVED),
        {
            "b1": "The council met on Tuesday to discuss the new budget.",
            "b2": TWO + " " + MOVED,
            "b3": THREE,
        },
        ("b2", MOVED),
    ),
    (
        "split across two paragraphs",
        anchor(POOREST),
        {
            "b1": "The council met on Tuesday. Critics said the plan would cut",
            "b4": "services for the poorest families in the city.",
            "b2": TWO,
        },
        None,
    ),
    (
        "paragraph rewritten",
        anchor(POOREST),
        {
            **ARTICLE,
            "b1": "Budget talks resumed on Tuesday, and the mayor promised that "
            "no library or clinic would close this year.",
        },
        None,
    ),
    (
        "passage deleted",
        anchor(POOREST),
        {**ARTICLE, "b1": "The council met on Tuesday to discuss the new budget."},
        None,
    ),
    (
        "same phrase twice, the second one's surroundings",
        anchor("the plan would cut services", "b2"),
        {**ARTICLE, "b2": "Later that day, officials denied it. " + TWO},
        ("b2", "the plan would cut services"),
    ),
    (
        "same phrase twice, block replaced: chosen by its surroundings",
        anchor("the plan would cut services", "b2"),
        {"b1": ONE, "b9": "Officials denied that. " + TWO[23:], "b3": THREE},
        ("b9", "the plan would cut services"),
    ),
    (
        "same phrase twice, its block deleted: not the other one",
        anchor("the plan would cut services", "b2"),
        {"b1": ONE, "b3": THREE},
        None,
    ),
    (
        "same phrase twice in its block, the one whose surroundings agree",
        anchor("the plan", "b1", {"b1": "Critics said the plan failed."}),
        {"b1": "Supporters said the plan worked. Critics said the plan failed."},
        ("b1", "the plan", 46),
    ),
    ("block deleted", anchor(SIGNS, "b3"), {"b1": ONE, "b2": TWO}, None),
    (
        "blocks reordered",
        anchor(SIGNS, "b3"),
        {"b3": THREE, "b2": TWO, "b1": ONE},
        ("b3", SIGNS),
    ),
    (
        "a short phrase, its block deleted, found once elsewhere",
        anchor("libraries", "b2"),
        {"b1": ONE, "b5": "Two libraries closed last year."},
        None,
    ),
]


@pytest.mark.parametrize(
    ("given", "blocks", "expected"),
    [case[1:] for case in CORPUS],
    ids=[case[0] for case in CORPUS],
)
def test_resolve_after_an_edit(given, blocks, expected):
    found = resolve(blocks, given)

    if expected is None:
        assert found is None
        return
    block_id, words, *offset = expected
    assert found is not None
    assert found.anchor.block_id == block_id
    assert found.anchor.exact == words
    text = blocks[block_id]
    start = found.anchor.offset
    assert text[start : start + len(words)] == words
    if offset:
        assert start == offset[0]
    assert found.anchor.prefix == text[max(0, start - 32) : start]
    assert found.anchor.suffix == text[start + len(words) : start + len(words) + 32]


def test_resolving_many_at_once_finds_each_as_resolving_it_alone():
    blocks = {"b2": TWO, "b3": THREE.replace("\u201c", '"'), "b1": "New. " + ONE}
    given = [case[1] for case in CORPUS] + [Anchor(exact=" ", block_id="b1")]

    assert resolve_all(blocks, given) == [resolve(blocks, a) for a in given]
    assert resolve_all(blocks, []) == []


def test_an_empty_quote_is_never_found():
    assert resolve(ARTICLE, Anchor(exact="   ", block_id="b1")) is None


def test_anchor_keeps_32_characters_of_context():
    text = "x" * 50 + "words" + "y" * 50

    made = anchor_at(text, 50, 55, "b")

    assert (made.prefix, made.exact, made.suffix) == ("x" * 32, "words", "y" * 32)
    assert made.offset == 50
