"""The phrase matcher: moderators' input is data, never a pattern."""

import random
import string

import pytest

from moderation.matching import Matcher
from moderation.normalise import normalise


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param(".*", id="dot-star"),
        pytest.param("(.+)", id="group"),
        pytest.param("^$", id="anchors"),
        pytest.param("c++", id="one-letter-left"),
        pytest.param("!!!", id="punctuation-only"),
        pytest.param("", id="empty"),
    ],
)
def test_phrases_without_two_letters_are_left_out(phrase):
    matcher = Matcher([(phrase, "x")])
    assert matcher.size == 0
    assert list(matcher.find(normalise("an ordinary comment about a b c"))) == []


@pytest.mark.parametrize(
    "phrase",
    [
        pytest.param("a|b", id="alternation"),
        pytest.param("[a-z]", id="class"),
        pytest.param("\\w+", id="backslash"),
        pytest.param("x{2,}", id="repetition"),
        pytest.param("(?i)x", id="flags"),
    ],
)
def test_metacharacters_are_taken_literally(phrase):
    matcher = Matcher([(phrase, "x")])
    text = "an ordinary comment: about a, b, w, x and z; ab ww xx"
    assert list(matcher.find(normalise(text))) == []


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        pytest.param("(.*) vermin", "they are vermin", id="group-before-a-word"),
        pytest.param("kill (all)", "kill all", id="parentheses"),
        pytest.param("[slur]", "that slur", id="brackets-around-a-word"),
    ],
)
def test_metacharacters_are_dropped_and_the_words_kept(phrase, text):
    assert [m.value for m in Matcher([(phrase, "x")]).find(normalise(text))] == ["x"]


def test_every_phrase_is_found_with_its_value():
    matcher = Matcher([("vermin", "hold"), ("kill all", "reject"), ("vermin", "flag")])
    found = [m.value for m in matcher.find(normalise("Kill all vermin"))]
    assert sorted(found) == ["flag", "hold", "reject"]


def test_ten_thousand_phrases_find_exactly_those_in_the_text():
    # given 10,000 phrases of one to three words (how fast: see the bench script,
    # bench/moderation_pipeline.py)
    rng = random.Random(10)
    words = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))
        for _ in range(6000)
    ]
    phrases = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(10_000)]
    matcher = Matcher((phrase, n) for n, phrase in enumerate(phrases))
    # and a 5,000-character comment with some of them in it
    body = " ".join(rng.choice(words + ["the"] * 3000) for _ in range(900))[:5000]
    normalised = normalise(body)
    # when it is searched
    found = list(matcher.find(normalised))
    # then every phrase found stands in the text as whole words, where it was found,
    # and every phrase that stands there is found
    assert matcher.size == 10_000
    assert found
    words_seen = [normalised.plain[a:b] for a, b in normalised.words]
    text = f" {' '.join(words_seen)} "
    for match in found:
        where = words_seen[match.first_word : match.last_word + 1]
        assert " ".join(where) == phrases[match.value]
    present = {n for n, phrase in enumerate(phrases) if f" {phrase} " in text}
    assert {match.value for match in found} == present


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        pytest.param("蟑螂", "他们都是蟑螂，滚出去", True, id="chinese-in-a-run"),
        pytest.param("出て行け", "在日は日本から出て行け。", True, id="japanese"),
        pytest.param("짱깨", "짱깨들 다 꺼져라", True, id="korean-with-particle"),
        pytest.param("다", "달이 밝다", True, id="korean-syllable"),
        pytest.param("다", "달", False, id="korean-not-inside-a-syllable"),
        pytest.param("병X", "병X 새끼", True, id="korean-and-latin"),
        pytest.param("蟑螂", "螳螂是一种昆虫", False, id="chinese-other-word"),
        pytest.param("在", "病毒在难民营中传播", True, id="chinese-one-character"),
        # Arabic writes the article and prepositions on to the word
        pytest.param("روافض", "الروافض مشكلتهم", True, id="arabic-with-the-article"),
        pytest.param("روافض", "تاريخ وللروافض", True, id="arabic-and-for-the"),
        pytest.param("روافض", "روافض", True, id="arabic-bare"),
        pytest.param("الروافض", "الروافض", True, id="arabic-listed-with-it"),
        pytest.param(
            "ماس", "الماس گران است", False, id="arabic-short-word-not-prefixed"
        ),
        pytest.param("کافر", "الکافر", False, id="persian-letters-not-prefixed"),
        pytest.param("روافض", "مروافض", False, id="arabic-inside-another-word"),
    ],
)
def test_phrases_are_found_as_each_script_writes_its_words(phrase, text, found):
    # Chinese and Japanese characters (and Hangul syllables) are words, found
    # wherever they stand but never inside a syllable; an Arabic word of four
    # letters or more is found with the article written on to it
    matches = list(Matcher([(phrase, "x")]).find(normalise(text)))
    assert bool(matches) is found


@pytest.mark.parametrize(
    ("phrase", "text", "words"),
    [
        pytest.param(
            "kızınız*", "Zoë hanım, kızınızın okulu", (2, 2), id="stem-ending"
        ),
        pytest.param("kızınız*", "kızınız", (0, 0), id="stem-alone"),
        pytest.param("*نذبح", "سنحرق بيوتكم ونذبح رجالكم", (2, 2), id="stem-beginning"),
        pytest.param("sub human*", "they are subhumanoid", (2, 2), id="joined-stem"),
        pytest.param("kızınız*", "kızı", None, id="shorter-word"),
        pytest.param("kızınız*", "akızınızın", None, id="stem-inside-a-word"),
        pytest.param("ver*", "verbatim", None, id="stem-too-short"),
        pytest.param("vermin", "verminous", None, id="closed-term"),
    ],
)
def test_a_star_opens_a_term_to_words_it_begins_or_ends(phrase, text, words):
    # a list term with "*" at its end (or start) matches words that begin (or
    # end) with it, for languages that add endings; the stem needs four letters
    matches = list(Matcher([(phrase, "x")]).find(normalise(text)))
    assert [(m.first_word, m.last_word) for m in matches] == ([words] if words else [])
