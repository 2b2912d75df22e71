"""Normalised text: evasions undone, words kept apart, other scripts left alone."""

import pytest

from moderation.matching import Matcher
from moderation.normalise import normalise


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("vermin", id="plain"),
        pytest.param("VERMIN", id="capitals"),
        pytest.param("vеrmіn", id="cyrillic-look-alikes"),
        pytest.param("ѵеrmіn", id="all-look-alikes"),
        pytest.param("v3rm1n", id="digits-for-letters"),
        pytest.param("ver\u200bmin", id="zero-width-space"),
        pytest.param("v\u200de\u2060r\ufeffmin", id="joiners-and-bom"),
        pytest.param("ver\u00admin", id="soft-hyphen"),
        pytest.param("\u202enimrev\u202c", id="right-to-left-override"),
        pytest.param("v.e.r.m.i.n", id="dotted-letters"),
        pytest.param("v e r m i n", id="spaced-letters"),
        pytest.param("v - e - r - m - i - n", id="dashed-letters"),
        pytest.param("ver-min", id="hyphenated"),
        pytest.param("verrrrmiiin", id="repeated-letters"),
        pytest.param("ᴠᴇʀᴍɪɴ", id="small-capitals"),
        pytest.param("ⓥⓔⓡⓜⓘⓝ", id="circled"),
        pytest.param("🅥🅔🅡🅜🅘🅝", id="negative-circled"),
        pytest.param("🇻🇪🇷🇲🇮🇳", id="regional-indicators"),
        pytest.param("ｖｅｒｍｉｎ", id="full-width"),
        pytest.param("𝐯𝐞𝐫𝐦𝐢𝐧", id="mathematical-bold"),
        pytest.param("vérmîn", id="accents"),
    ],
)
def test_evasions_read_as_the_word(written):
    assert normalise(f"they are {written}!").text == " they are vermin "


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        pytest.param("Scunthorpe United won", "cunt", id="scunthorpe"),
        pytest.param("a class act", "ass", id="class"),
        pytest.param("we assess the risk", "ass", id="assess"),
        pytest.param("as you said", "ass", id="as-is-not-ass"),
        pytest.param("a skill all can learn", "kill all", id="inside-a-word"),
        pytest.param("bikes for kids", "kike", id="bikes"),
        pytest.param("a pop song", "poop", id="shorter-run"),
    ],
)
def test_phrases_match_whole_words_only(text, phrase):
    assert list(Matcher([(phrase, "x")]).find(normalise(text))) == []


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        pytest.param("what an a$$", "ass", id="dollar-signs"),
        pytest.param("what an asssss", "ass", id="longer-run"),
        pytest.param("KILL   ALL of them", "kill all", id="two-words"),
        pytest.param("k|ll all", "kill all", id="pipe-for-i"),
        pytest.param("sh!t", "shit", id="bang-for-i"),
        pytest.param("they are sub-human", "subhuman", id="hyphen-in-text"),
        pytest.param("they are subhuman", "sub-human", id="hyphen-in-phrase"),
        pytest.param("the so-called experts", "so called", id="words-run-together"),
        pytest.param("M*slims", "muslims", id="hidden-letter"),
        pytest.param("f**k", "fuck", id="hidden-letters"),
        pytest.param("are a p l a g u e", "plague", id="spaced-after-a"),
    ],
)
def test_phrases_match_through_spellings(text, phrase):
    assert [m.value for m in Matcher([(phrase, "x")]).find(normalise(text))] == ["x"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("مُسْلِمُونَ", " مسلمون ", id="arabic-vowel-marks-dropped"),
        pytest.param("مسلمـــين", " مسلمين ", id="arabic-tatweel-dropped"),
        pytest.param("کیا حال ہے", " کیا حال ہے ", id="urdu-kept"),
        pytest.param("Привет, друг", " привет друг ", id="russian-kept"),
        pytest.param("कीड़े मुल्ले", " कीडे मुल्ले ", id="devanagari-vowel-signs-kept"),
        pytest.param("हूँ हूं", " हू हू ", id="devanagari-nasal-marks-dropped"),
        pytest.param("মালাউনদের গাধা।", " মালাউনদের গাধা ", id="bengali-kept"),
        pytest.param("d'Arabes", " d arabes ", id="french-elision"),
        pytest.param("1488 and 2024", " 148 and 2024 ", id="numbers-stay-numbers"),
        pytest.param("a\x00\x07b", " ab ", id="control-characters-dropped"),
        pytest.param("\u200b", " ", id="nothing-left"),
    ],
)
def test_other_scripts_and_numbers(text, expected):
    assert normalise(text).text == expected


def test_words_map_back_to_what_the_reader_sees():
    # given a text with an invisible character and spaced letters
    text = "So-called v e r m i n,\u200b “quoted”"
    normalised = normalise(text)
    # then each key has its span in the plain text
    spans = [normalised.plain[a:b] for a, b in normalised.words]
    assert normalised.keys == ("socaled", "vermin", "quoted")
    assert spans == ["So-called", "v e r m i n", "quoted"]
    assert normalised.word_at(normalised.text.index("vermin")) == 1


def test_an_emoji_is_a_word_read_as_its_name():
    # given emoji beside words, one of them with a variation selector and joiner
    normalised = normalise("Another boat 🪳🪳, 🐐-lover, 🏳️‍🌈 pride")
    # then each pictograph is a word of its own, named; letters are untouched
    assert normalised.keys == (
        "another",
        "boat",
        "cockroach",
        "cockroach",
        "goat",
        "lover",
        "wavingwhiteflag",
        "rainbow",
        "pride",
    )
    # and a list written with the emoji or with the word finds both
    matcher = Matcher([("🐀", "emoji"), ("cockroach", "word")])
    assert {m.value for m in matcher.find(normalise("rats 🐀 and 🪳"))} == {
        "emoji",
        "word",
    }


def test_chinese_japanese_and_korean_characters_are_words_and_never_joined():
    # given text in scripts written without spaces between words
    chinese = normalise("他们都是蟑螂。哈哈哈")
    korean = normalise("짱깨들 다")
    # then every character (a Hangul syllable too) is a word, and one-character
    # words in a row are not read as a spaced-out word
    assert chinese.keys == ("他", "们", "都", "是", "蟑", "螂", "哈", "哈", "哈")
    assert len(korean.keys) == 4
    assert normalise("VPN翻墙").keys == ("vpn", "翻", "墙")
    # nor are they read as Latin look-alikes
    assert normalise("丨口").keys == ("丨", "口")
