"""Each check of the pipeline, and the pipeline as a whole, on the starter lists."""

import pytest

from moderation import offensive, outside
from moderation.lists import DATA, read_list
from moderation.models import LinkDomain, Phrase
from moderation.normalise import normalise
from moderation.pipeline import (
    FLAG,
    HOLD,
    PUBLISH,
    REJECT,
    Submission,
    check_impersonation,
    check_links,
    check_name,
    check_offensive,
    check_outside,
    check_patterns,
    check_phrases,
    check_repeats,
    run_checks,
    similar_body,
)

pytestmark = pytest.mark.django_db


def verdict(check, body="", **fields):
    found = check(Submission(body=body, **fields))
    return (found.action, found.code) if found else None


# --- phrases --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param("You are a f a g g o t", (REJECT, "banned_phrase"), id="banned"),
        pytest.param("kill yourself", (REJECT, "banned_phrase"), id="banned-threat"),
        pytest.param("k\u200bys", (REJECT, "banned_phrase"), id="zero-width"),
        pytest.param("Heil Нitler", (REJECT, "banned_phrase"), id="cyrillic"),
        pytest.param(
            "\u202ereltih lieh\u202c", (REJECT, "banned_phrase"), id="rtl-override"
        ),
        pytest.param("g4s the j3ws", (REJECT, "banned_phrase"), id="digits"),
        pytest.param("k&#121;s", (REJECT, "banned_phrase"), id="character-reference"),
        pytest.param("k&shy;ys", (REJECT, "banned_phrase"), id="soft-hyphen-reference"),
        pytest.param(
            "&#8238;reltih lieh&#8236;",
            (REJECT, "banned_phrase"),
            id="rtl-override-reference",
        ),
        pytest.param(
            "w&#97;tch your back", (HOLD, "suspect_phrase"), id="suspect-reference"
        ),
        pytest.param("watch your back", (HOLD, "suspect_phrase"), id="suspect"),
        pytest.param(
            'They chanted "gas the jews" outside.', (FLAG, "quoted_phrase"), id="quoted"
        ),
        pytest.param(
            "The militia chanted kill all christians at the march.",
            (FLAG, "quoted_phrase"),
            id="reported",
        ),
        pytest.param(
            "Panie Wierzbicki, wiemy gdzie Pan mieszka.",
            (HOLD, "suspect_phrase"),
            id="threat-in-polish",
        ),
        pytest.param(
            "تمہارے دفتر کا پتہ ہمیں معلوم ہے",
            (HOLD, "suspect_phrase"),
            id="threat-in-urdu",
        ),
        pytest.param(
            'Her inbox is full of "on sait où tu habites" after every piece.',
            (FLAG, "quoted_phrase"),
            id="threat-quoted-in-french",
        ),
        pytest.param(
            "מוות לערבים", (REJECT, "banned_phrase"), id="death-to-a-people-hebrew"
        ),
        pytest.param(
            "בהפגנה בצה״ל שמעתי קריאות ״מוות לערבים״ ודיווחתי למשטרה",
            (FLAG, "quoted_phrase"),
            id="death-to-a-people-quoted-in-hebrew",
        ),
        pytest.param(
            "A researcher explained 'six million wasn't enough' as a code.",
            (FLAG, "quoted_phrase"),
            id="quoted-with-an-apostrophe-inside",
        ),
        pytest.param(
            "The poster said ‘six million wasn’t enough’ in red.",
            (FLAG, "quoted_phrase"),
            id="curly-quoted-with-an-apostrophe-inside",
        ),
        pytest.param(
            "six million wasn't enough, they'll 'learn'",
            (REJECT, "banned_phrase"),
            id="said-with-a-quoted-word-after",
        ),
        pytest.param(
            "The 1488 tattoo on the attacker refers to a neo-Nazi slogan.",
            (HOLD, "suspect_phrase"),
            id="banned-code-explained-after",
        ),
        pytest.param("More of this please.", None, id="praise-for-the-article"),
        pytest.param("I support Scunthorpe United.", None, id="scunthorpe"),
        pytest.param(
            "Fags are bad for your lungs.", (HOLD, "suspect_phrase"), id="ambiguous"
        ),
    ],
)
def test_phrases(body, expected):
    assert verdict(check_phrases, body) == expected


def test_messages_never_reveal_the_phrase():
    # given every banned phrase of the starter list
    for phrase, _ in read_list(DATA / "banned_phrases.txt")[:40]:
        # when a comment uses it
        outcome = run_checks(Submission(body=f"well {phrase} then"))
        # then it is refused, and no message names it
        assert outcome.verdict == REJECT, phrase
        for reason in outcome.reasons:
            assert phrase.casefold() not in reason.message.casefold()


def test_a_phrase_added_by_a_moderator_matches_at_once(
    django_capture_on_commit_callbacks,
):
    # given the lists compiled once
    assert verdict(check_phrases, "what a totally made up slur") is None
    # and a phrase with regex metacharacters, saved as the admin saves it
    phrase = Phrase(text="  (totally) [made-up] slur.* ", action=Phrase.Action.REJECT)
    phrase.full_clean()
    with django_capture_on_commit_callbacks(execute=True):
        phrase.save()
    # then it matches its words, literally, and nothing else
    assert verdict(check_phrases, "what a totally made up slur") == (
        REJECT,
        "banned_phrase",
    )
    assert verdict(check_phrases, "a made-up story, totally") is None
    # and deleting it takes it out
    with django_capture_on_commit_callbacks(execute=True):
        phrase.delete()
    assert verdict(check_phrases, "what a totally made up slur") is None


def test_a_phrase_keeps_no_invisible_characters_and_is_listed_once():
    Phrase.objects.create(text="quokka crime", action=Phrase.Action.HOLD)
    hidden = Phrase(text="\u202equokka\u200b theft", action=Phrase.Action.HOLD)
    hidden.full_clean()
    assert hidden.text == "quokka theft"
    twin = Phrase(text="QUOKKA Crime", action=Phrase.Action.REJECT)
    with pytest.raises(Exception, match="on the list already"):
        twin.full_clean()


@pytest.mark.parametrize(
    "domain",
    [
        "*.example.org",
        "<script>.org",
        "-bad-.org",
        "exa_mple.org",
        "\u202eevil.org",
        "ex\u200bample.net",
        "localhost",
    ],
)
def test_a_link_domain_must_be_a_host_name(domain):
    entry = LinkDomain(domain=domain, kind=LinkDomain.Kind.BLOCKED)
    with pytest.raises(Exception, match="such as example.org"):
        entry.full_clean()


def test_a_phrase_without_letters_is_refused_by_the_form():
    phrase = Phrase(text=".*", action=Phrase.Action.REJECT)
    with pytest.raises(Exception, match="two letters"):
        phrase.full_clean()


# --- names ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("Noor Halvorsen", (REJECT, "reserved_name"), id="author"),
        pytest.param("N0or Halv0rsen", (REJECT, "reserved_name"), id="author-leet"),
        pytest.param("Kestrel", (REJECT, "reserved_name"), id="alias"),
        pytest.param("Аdmin", (REJECT, "reserved_name"), id="cyrillic-admin"),
        pytest.param("Global News", (REJECT, "reserved_name"), id="site"),
        pytest.param("Kike Lover", (REJECT, "name_language"), id="banned-in-name"),
        pytest.param(
            "Tomasz Wierzbicki (author)", (HOLD, "impersonation"), id="author-and-role"
        ),
        pytest.param("N. Halvorsen", (HOLD, "impersonation"), id="author-initial"),
        pytest.param("Noor H.", (HOLD, "impersonation"), id="author-surname-initial"),
        pytest.param("Kestrel (Noor H.)", (HOLD, "impersonation"), id="alias-and-more"),
        pytest.param("GlobalNews Editorial", (HOLD, "impersonation"), id="site-joined"),
        pytest.param(
            "Sam (Global Nеws team)", (HOLD, "impersonation"), id="site-lookalike"
        ),
        pytest.param("Noor", None, id="first-name-only"),
        pytest.param("Noorani", None, id="longer-first-name"),
        pytest.param("Noor Hussain", None, id="same-first-name"),
        pytest.param("Halvorsen fan", None, id="surname-only"),
        pytest.param("ex-moderator", None, id="former-role"),
        pytest.param("Amina", None, id="ordinary"),
    ],
)
@pytest.mark.usefixtures("newsroom_names")
def test_names(name, expected):
    assert verdict(check_name, "Hello", name=name) == expected


@pytest.mark.parametrize(
    ("body", "name", "expected"),
    [
        pytest.param("This is Noor Halvorsen. Send money.", "NH", HOLD, id="claim"),
        pytest.param("Moderator here: rules changed.", "Sam", HOLD, id="role"),
        pytest.param("Correct.\n— Elias Achterberg", "EA", HOLD, id="signature"),
        pytest.param("Thanks Noor Halvorsen, great piece.", "Sam", None, id="thanks"),
        pytest.param(
            'He wrote "I am the author" in the forum.', "Sam", None, id="quoted"
        ),
        pytest.param("As the author points out, it matters.", "Sam", None, id="citing"),
        pytest.param(
            "Article removed tomorrow.\n— The Global News team", "", HOLD, id="team"
        ),
        pytest.param("Noted.\n— Editorial Team", "", HOLD, id="desk"),
        pytest.param("Moderator note: criticism is banned.", "", HOLD, id="note"),
        pytest.param(
            "Editor's note: send us your address for the prize.",
            "",
            HOLD,
            id="notice-heading",
        ),
        pytest.param(
            "They said in the last editor's note that it stays free.",
            "",
            None,
            id="notice-cited",
        ),
        pytest.param(
            "Thanks to the Global News team for this.", "Sam", None, id="team-thanks"
        ),
        pytest.param(
            "She isn't even the author here, read the footer.",
            "Sam",
            None,
            id="role-described",
        ),
        pytest.param("Hi all, author here: thanks.", "Sam", HOLD, id="role-greeting"),
        pytest.param(
            "Just a moderator here: send us your login.", "Sam", HOLD, id="role-modest"
        ),
        pytest.param(
            "Global News Moderator: we have removed comments by Indian readers.",
            "Sam",
            HOLD,
            id="notice-headed-by-the-site",
        ),
        pytest.param(
            "Moderation team: criticism of the army breaks the rules now.",
            "Sam",
            HOLD,
            id="notice-headed-by-the-team",
        ),
        pytest.param(
            "@Global News Moderation Team don't click that link, it's phishing.",
            "Sam",
            None,
            id="team-answered",
        ),
        pytest.param(
            "@Amina I am the author of this piece, email me.",
            "Sam",
            HOLD,
            id="claim-after-answering",
        ),
    ],
)
@pytest.mark.usefixtures("newsroom_names")
def test_impersonation(body, name, expected):
    found = verdict(check_impersonation, body, name=name)
    assert (found and found[0]) == expected


# --- links ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "fields", "expected"),
    [
        pytest.param("See https://www.reuters.com/x", {}, None, id="trusted"),
        pytest.param("See https://en.wikipedia.org/wiki/X", {}, None, id="subdomain"),
        pytest.param(
            "See https://example.org/x", {}, (HOLD, "newcomer_link"), id="newcomer"
        ),
        pytest.param(
            "See https://example.org/x", {"newcomer": False}, None, id="member"
        ),
        pytest.param(
            "https://a.org https://b.org https://c.org",
            {"newcomer": False},
            (HOLD, "many_links"),
            id="too-many",
        ),
        pytest.param("See bit.ly/abc", {}, (REJECT, "blocked_link"), id="shortener"),
        pytest.param(
            "[this](https://bit&#46;ly/abc)",
            {},
            (REJECT, "blocked_link"),
            id="shortener-with-a-character-reference",
        ),
        pytest.param(
            "See https://reuters.co/x",
            {"newcomer": False},
            (HOLD, "lookalike_link"),
            id="lookalike",
        ),
        pytest.param(
            "Hi",
            {"website": "https://tinyurl.com/x"},
            (REJECT, "blocked_link"),
            id="website-blocked",
        ),
        pytest.param(
            "Hi",
            {"website": "https://bbc-news.com"},
            (HOLD, "lookalike_link"),
            id="website-lookalike",
        ),
        pytest.param("Hi", {"website": "https://myblog.example"}, None, id="website"),
    ],
)
def test_links(body, fields, expected):
    assert verdict(check_links, body, **fields) == expected


def test_a_reason_with_script_in_the_link_is_harmless():
    outcome = run_checks(
        Submission(body="x", website="http://<script>alert(1)</script>bit.ly/")
    )
    assert all("<" not in r.message and ">" not in r.message for r in outcome.reasons)


# --- repeats ----------------------------------------------------------------------
SPAM = "Earn 300 dollars a day from home with this one simple trick, ask me how!"


@pytest.mark.parametrize(
    ("body", "recent", "copied"),
    [
        pytest.param(SPAM, [SPAM], True, id="same"),
        pytest.param(SPAM.upper().replace("a", "а"), [SPAM], True, id="disguised"),
        pytest.param(
            SPAM.replace("300", "500") + "!!", [SPAM], True, id="small-change"
        ),
        pytest.param(SPAM, ["A different comment about the army."], False, id="other"),
        pytest.param("Thank you!", ["Thank you!"], False, id="short-may-repeat"),
        pytest.param(SPAM, [], False, id="nothing-recent"),
        pytest.param(SPAM, [SPAM * 20], False, id="much-longer"),
    ],
)
def test_similar_body(body, recent, copied):
    assert (similar_body(normalise(body), recent) is not None) == copied


def test_repeats_ask_for_recent_bodies_only_when_needed():
    asked = []

    def recent():
        asked.append(True)
        return [SPAM]

    assert verdict(check_repeats, SPAM, recent_bodies=recent) == (HOLD, "repeated")
    assert asked == [True]


def test_the_same_link_posted_again_is_held():
    recent = ["Look at https://my-shop.example/deal today"]
    assert verdict(
        check_repeats, "Cheap: https://my-shop.example/deal", recent_bodies=recent
    ) == (HOLD, "repeated_link")
    assert (
        verdict(
            check_repeats,
            "https://www.reuters.com/a",
            recent_bodies=["https://www.reuters.com/a"],
        )
        is None
    )


# --- offensive language -------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "action"),
    [
        pytest.param("You are a fucking idiot.", HOLD, id="insult"),
        pytest.param("Thank you for this careful report.", None, id="polite"),
        pytest.param(
            "Great analysis. " * 40 + "Fuck you, moron.", HOLD, id="insult-at-the-end"
        ),
    ],
)
def test_offensive(body, action):
    found = check_offensive(Submission(body=body))
    assert (found.action if found else None) == action


def test_the_model_is_loaded_once():
    assert offensive.scorer() is offensive.scorer()
    assert offensive.scorer().direct  # the fast arithmetic agrees with scikit-learn


# --- patterns -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param("Refugees are vermin.", "dehumanising", id="vermin"),
        pytest.param(
            "Muslims are a cancer on this country.", "dehumanising", id="disease"
        ),
        pytest.param(
            "Immigrants everywhere. They are rats.", "dehumanising", id="pronoun"
        ),
        pytest.param("R3fug33s are v3rm1n", "dehumanising", id="leet"),
        pytest.param("Refugees are v e r m i n", "dehumanising", id="spaced"),
        pytest.param("M*slims are v*rmin", "dehumanising", id="asterisks"),
        pytest.param("The Ahmadis should be wiped out.", "incitement", id="wipe-out"),
        pytest.param("Every Shia must be killed.", "incitement", id="modal-harm"),
        pytest.param("I will kill you, author.", "threat", id="threat"),
        pytest.param("You are a pathetic clown.", "insult", id="insult"),
        pytest.param("Ferme-la, espèce de con.", "insult", id="insult-french"),
        pytest.param(
            "jajaja me mataste con ese comentario @Pablo", None, id="spanish-con"
        ),
        pytest.param("Make money from home, message me on whatsapp", "spam", id="spam"),
        # reporting, criticism and negation pass
        pytest.param('The militia called the Yazidis "vermin".', None, id="quoted"),
        pytest.param("The group called them vermin in its videos.", None, id="called"),
        pytest.param(
            "The so-called 'swarm' of migrants never came.", None, id="so-called"
        ),
        pytest.param("Refugees are not vermin.", None, id="negated"),
        pytest.param("Refugees aren't vermin.", None, id="negated-short"),
        pytest.param("The Chinese government is a cancer.", None, id="institution"),
        pytest.param("The regime treats Uyghurs like animals.", None, id="victims"),
        pytest.param(
            "A plague of attacks against Christians.", None, id="victim-marker"
        ),
        pytest.param("The minister is a liar and a coward.", None, id="criticism"),
        pytest.param(
            "Christians will be killed if the army leaves.", None, id="warning"
        ),
        pytest.param("Rats were everywhere in the refugee camp.", None, id="no-claim"),
        # structures the lists alone do not give
        pytest.param("Muslims 🐷🐷🐷", "dehumanising", id="emoji-slur"),
        pytest.param(
            "Another boat landed last night 🪳🪳🪳", "dehumanising", id="emoji-boat"
        ),
        pytest.param("Rohingya = human garbage.", "dehumanising", id="equals"),
        pytest.param(
            "Yeh Hindu log gande keeray hain.", "dehumanising", id="urdu-latin"
        ),
        pytest.param(
            "Yahudi sab se bade dushman hain.", "stereotyping", id="copula-after"
        ),
        # reporting and negation after the predicate, in subject-object-verb
        # languages
        pytest.param("ये मुसलमान कीड़े हैं।", "dehumanising", id="hindi"),
        pytest.param(
            "उन्होंने मुसलमानों को कीड़े कहा, यह नफरत है।", None, id="hindi-reported-after"
        ),
        pytest.param("ye qadiani keeray nahi hain", None, id="negated-after"),
        pytest.param("Kürtler köpek değil, insan.", None, id="turkish-negated-after"),
        pytest.param(
            "Die Juden kontrollieren die Banken.", "stereotyping", id="german-article"
        ),
        # Chinese, Japanese and Korean: each character a word
        pytest.param("穆斯林都是蟑螂", "dehumanising", id="chinese"),
        pytest.param("穆斯林不是蟑螂", None, id="chinese-negated"),
        pytest.param("病毒在难民营中传播", None, id="chinese-victim-marker"),
        pytest.param("记者说那些人把穆斯林称为蟑螂", None, id="chinese-reported"),
        pytest.param("在日はゴキブリではない", None, id="japanese-negated-after"),
        pytest.param(
            "너 어디 사는지 안다. 밤길 조심해라", "threat", id="korean-threat"
        ),
        pytest.param(
            "政府对维吾尔族的政策是种族灭绝，必须制裁。", None, id="chinese-criticism"
        ),
        pytest.param(
            "Every Muslim is a terrorist in waiting.", "stereotyping", id="stereotype"
        ),
        pytest.param("Not all Muslims are terrorists.", None, id="negated-subject"),
        pytest.param(
            "Islam is a religion of peace and terrorists do not speak for it.",
            None,
            id="copula-too-far",
        ),
        pytest.param(
            "The terrorists who attacked the church were Pakistani citizens.",
            None,
            id="reporting-between",
        ),
        pytest.param("(((They))) run the newsroom.", "hate_code", id="echo"),
        pytest.param("6MWE, folks.", "hate_code", id="code"),
        pytest.param(
            "6MWE is a neo-Nazi code, the report explains.", None, id="code-explained"
        ),
        pytest.param(
            "Eritreans everywhere. Ship them all back.", "incitement", id="expulsion"
        ),
        pytest.param(
            "Pakistan began to deport Afghan refugees last year.", None, id="news"
        ),
        pytest.param("u r on the list now, tick tock", "threat", id="menace"),
        pytest.param("The mosque on Park Street will burn.", "threat", id="site"),
        pytest.param(
            "Journalists killed in Gaza will be remembered.", None, id="site-report"
        ),
        pytest.param(
            "Nice office you have. Shame if it caught fire.", "threat", id="warning"
        ),
        pytest.param(
            "Earn passive income with my trading bot. Link in my profile.",
            "spam",
            id="spam-two-sentences",
        ),
        pytest.param(
            "What a tool. The commenter above is paid.", "insult", id="exclamation"
        ),
        pytest.param(
            "What an idiot the minister is, honestly.", None, id="public-figure"
        ),
        pytest.param(
            "a$$hole. That is all for whoever wrote this.", "insult", id="profanity"
        ),
        pytest.param(
            "Brenton did nothing wrong.", "glorifying_violence", id="attacker-praised"
        ),
        pytest.param(
            "15/3 was a beautiful day. Someone should beat the high score.",
            "glorifying_violence",
            id="attack-by-date",
        ),
        pytest.param(
            "Gujarat 2002 wala treatment chahiye inko",
            "glorifying_violence",
            id="attack-by-year-romanised",
        ),
        pytest.param(
            "His fans have called Tarrant a saint, which should frighten us.",
            None,
            id="attack-praise-reported",
        ),
        pytest.param(
            "You know the story of Samuel Paty. Think before you write again.",
            "threat",
            id="fate-named-as-warning",
        ),
        pytest.param(
            "Samuel Paty was murdered in 2020 for teaching a class on free speech.",
            None,
            id="fate-reported",
        ),
        pytest.param(
            "Samuel Paty was right to show his class the cartoons.",
            None,
            id="victim-praised",
        ),
        pytest.param(
            "The Christchurch survivors deserved better from the inquiry.",
            None,
            id="victims-deserved-better",
        ),
        pytest.param(
            "The people running these NGOs will be first against the wall.",
            "threat",
            id="veiled-reckoning",
        ),
        pytest.param(
            "Orwell wrote that intellectuals would be first against the wall.",
            None,
            id="veiled-reckoning-reported",
        ),
        pytest.param(
            "تم لوگ ہماری نظر میں ہو، بس انتظار کرو۔", "threat", id="in-our-sights-urdu"
        ),
        pytest.param(
            "Your account is flagged. Reply with the password of your email.",
            "phishing",
            id="password-asked",
        ),
        pytest.param(
            "Never share your password with anyone who comments here.",
            None,
            id="password-warning",
        ),
        pytest.param(
            "Someone above asks people to confirm their passwords. Fake.",
            None,
            id="phishing-reported",
        ),
        pytest.param(
            "Did you change your password after the breach?", None, id="password-talk"
        ),
        pytest.param(
            "اللاجئين زي الصراصير في كل حتة", "dehumanising", id="article-written-on"
        ),
        pytest.param(
            "الصراصير في مخيم اللاجئين مشكلة صحية", None, id="vermin-in-the-camp-arabic"
        ),
        pytest.param(
            "Kaum Ahmadiyah itu penyakit bangsa ini.",
            "dehumanising",
            id="disease-indonesian",
        ),
        pytest.param(
            "Pengungsi Rohingya terkena penyakit kulit di kamp.",
            None,
            id="illness-indonesian",
        ),
        pytest.param(
            "A note on our gate: 'Gereja ini akan dibakar' (this church will be "
            "burned). We told the police.",
            None,
            id="threat-quoted-with-its-translation",
        ),
        pytest.param(
            "The page shared a cartoon showing Rohingya as rats in a boat.",
            None,
            id="cartoon-described",
        ),
        pytest.param(
            "Die Umvolkung läuft seit Jahrzehnten.", "hate_code", id="umvolkung"
        ),
        pytest.param(
            "The party speaks of 'Umvolkung', a term from the Nazi era.",
            None,
            id="umvolkung-reported",
        ),
        pytest.param(
            "What do you call 100 Moroccans at the bottom of the sea? A good start.",
            "incitement",
            id="drowning-joke",
        ),
        pytest.param(
            "The treaty is a good start, but the refugees need more.",
            None,
            id="a-good-start",
        ),
        pytest.param(
            "Cameras can be broken, and so can people. Stop meddling.",
            "threat",
            id="so-can-people",
        ),
        pytest.param(
            "My cousin got a voice note two days after the killings: 'we'll come "
            "back for your sons'. They reported it.",
            None,
            id="harm-said-and-threat-quoted",
        ),
        pytest.param(
            "Noor, I loved your last article on the Hazara schools.",
            None,
            id="praise-for-the-last-article",
        ),
        pytest.param(
            "Is your kids' school open tomorrow after the snow?",
            None,
            id="a-neighbour-asking-about-school",
        ),
        pytest.param(
            "Watch your step on the icy pavements this morning, folks.",
            None,
            id="watch-your-step-on-the-ice",
        ),
        pytest.param(
            "Pass gut auf dich auf, liebe Zoë!",
            None,
            id="take-care-in-german",
        ),
        pytest.param(
            "This will be your last article, Kestrel.",
            "threat",
            id="your-last-article",
        ),
        pytest.param(
            "Pray your brakes are fine tomorrow morning.",
            "threat",
            id="pray-your-brakes",
        ),
        pytest.param(
            "You should sell your car before winter, prices drop.",
            None,
            id="your-car-is-not-where-you-can-be-found",
        ),
        pytest.param(
            "Police advise residents to lock your doors at night after the burglaries.",
            None,
            id="safety-advice-is-no-warning",
        ),
        pytest.param(
            "gypsies in the area = lock your car, hide your kids",
            "stereotyping",
            id="what-a-group-is-said-to-call-for",
        ),
        pytest.param(
            "Wir wissen, an welcher Schule sie unterrichtet. Wär doch schade, wenn "
            "die Eltern davon erfahren.",
            "threat",
            id="where-someone-works-and-a-menace",
        ),
        pytest.param(
            "Beim nächsten Heim bleibt es nicht bei Farbbeuteln. Das ist keine "
            "Drohung, das ist ein Versprechen.",
            "threat",
            id="not-a-threat-a-promise-in-german",
        ),
        pytest.param(
            "De moskee aan de Javastraat is de volgende.",
            "threat",
            id="a-mosque-is-next-in-dutch",
        ),
        pytest.param(
            "I got a DM: 'the next one lands on your kids' school, we know which one "
            "it is'. I reported it.",
            None,
            id="a-threat-quoted-with-a-plural-apostrophe-inside",
        ),
        pytest.param(
            "You should be careful travelling round Punjab writing stories like this "
            "one. People have long memories there.",
            "threat",
            id="a-warning-two-sentences-on",
        ),
        pytest.param(
            "Not racist but you only have to look at which migrants do the stabbings.",
            "stereotyping",
            id="a-denial-before-a-sweeping-claim",
        ),
        pytest.param(
            "Ce n'est pas du racisme, c'est un constat : les étrangers remplissent "
            "les prisons.",
            "stereotyping",
            id="a-denial-in-french",
        ),
        pytest.param(
            "'Realist not racist' is a stock phrase of race-science accounts about "
            "migrants.",
            None,
            id="a-denial-quoted",
        ),
        pytest.param(
            "It's not racism to criticise the Saudi government's treatment of "
            "migrants.",
            None,
            id="not-racism-to-criticise-a-government",
        ),
        pytest.param(
            'Our dear "journalist" is on the list now. Tick tock.',
            "threat",
            id="a-target-in-scare-quotes-is-still-named",
        ),
        pytest.param(
            'They said "the refugees are vermin" on the march.',
            None,
            id="a-group-in-a-whole-quotation-is-quoted",
        ),
        pytest.param(
            "Don't talk to me about victory when you can't unlock a bomb shelter.",
            None,
            id="bomb-shelter",
        ),
        pytest.param(
            "سيأتي يوم نذبح فيه كل مستوطن على هذه التلال",
            "incitement",
            id="slaughter-every-one-arabic",
        ),
        pytest.param(
            "Chaque Peul est un terroriste en puissance.",
            "stereotyping",
            id="stereotype-french",
        ),
        pytest.param(
            "Ayşe hanım, kızınızın okulunu biliyoruz. Yazmaya devam edersen görürsün.",
            "threat",
            id="veiled-turkish",
        ),
        pytest.param(
            "Ayşe hanım, kızınızın okulundaki tiyatroyu ben de izledim, çok güzeldi.",
            None,
            id="school-turkish",
        ),
        pytest.param(
            "Номер вашей машины мы записали, Марина.", "threat", id="plate-russian"
        ),
        pytest.param(
            "В Чечне люди просто пропадают, пишет правозащитный центр.",
            None,
            id="disappearances-reported-russian",
        ),
        pytest.param(
            "يا أستاذ، الدنيا صغيرة والحوادث بتحصل.", "threat", id="veiled-levantine"
        ),
        pytest.param("خانم رضایی، عکس‌تان روی میز ماست.", "threat", id="photo-persian"),
    ],
)
def test_patterns(body, code):
    found = check_patterns(Submission(body=body))
    assert (found.code if found else None) == code
    if found:
        assert found.action == HOLD


# --- the outside check ----------------------------------------------------------------
def test_the_outside_check_is_off_by_default(monkeypatch):
    def no_network(*args):
        raise AssertionError("the network was used")

    monkeypatch.setattr(outside, "_post", no_network)
    assert check_outside(Submission(body="hello")) is None


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        pytest.param("true", (HOLD, "outside_spam"), id="spam"),
        pytest.param("false", None, id="ham"),
        pytest.param("invalid", None, id="bad-key"),
        pytest.param(OSError("down"), None, id="down"),
    ],
)
def test_the_outside_check_when_configured(settings, monkeypatch, answer, expected):
    settings.MODERATION_AKISMET_KEY = "k3y"
    sent = {}

    def post(url, fields, timeout):
        sent.update(fields, url=url)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(outside, "_post", post)
    assert verdict(check_outside, "buy now", name="Bob", ip="192.0.2.1") == expected
    assert sent["url"] == "https://k3y.rest.akismet.com/1.1/comment-check"
    assert sent["comment_content"] == "buy now"
    assert sent["user_ip"] == "192.0.2.1"


# --- the whole pipeline -------------------------------------------------------------
def test_the_most_severe_verdict_wins_and_reasons_keep_their_order():
    outcome = run_checks(
        Submission(body="kill yourself, and see https://example.org and bit.ly/x")
    )
    assert outcome.verdict == REJECT
    assert [r.code for r in outcome.reasons] == ["banned_phrase", "blocked_link"]
    assert outcome.as_dict()["reasons"][0]["verdict"] == REJECT


def test_an_ordinary_comment_is_published():
    outcome = run_checks(Submission(body="Thank you, a careful piece.", name="Amina"))
    assert outcome.as_dict() == {"verdict": PUBLISH, "reasons": []}


def test_a_failing_check_flags_and_never_raises():
    def broken(submission):
        raise RuntimeError("bug")

    outcome = run_checks(Submission(body="hello"), checks=[broken, check_phrases])
    assert outcome.verdict == FLAG
    assert [r.code for r in outcome.reasons] == ["check_failed"]


@pytest.mark.usefixtures("newsroom_names")
def test_the_sites_authors_named_are_targets_of_threats_and_insults():
    # given comments naming an author without "you" / then they are held
    threat = check_patterns(Submission(body="Someone should stab Wierzbicki."))
    insult = check_patterns(Submission(body="Marchetti is a talentless fraud."))
    praise = check_patterns(Submission(body="Marchetti is a careful reporter."))
    assert (threat.code, insult.code, praise) == ("threat", "insult", None)
