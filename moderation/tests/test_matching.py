"""The phrase matcher: moderators' input is data, never a pattern; it stays fast."""

import random
import string
import time

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


def test_ten_thousand_phrases_stay_fast():
    # given 10,000 phrases of one to three words
    rng = random.Random(10)
    words = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9)))
        for _ in range(6000)
    ]
    phrases = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(10_000)]
    started = time.perf_counter()
    matcher = Matcher((phrase, n) for n, phrase in enumerate(phrases))
    built = time.perf_counter() - started
    # and a 5,000-character comment with some of them in it
    body = " ".join(rng.choice(words + ["the"] * 3000) for _ in range(900))[:5000]
    normalised = normalise(body)
    # when it is searched
    started = time.perf_counter()
    for _ in range(10):
        found = list(matcher.find(normalised))
    searched = (time.perf_counter() - started) / 10
    # then
    assert matcher.size == 10_000
    assert found
    assert built < 5
    assert searched < 0.02
