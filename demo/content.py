"""Text of the Tribune demo site.

Original sample content written for the project: the site settings, sections,
authors and articles that the demo-building management command turns into pages.
All people and organisations named here are fictional.
"""

from __future__ import annotations

# Site-wide settings.
SITE = {
    "name": "Global News",
    "tagline": "Redeem the Oppressed",
    "description": (
        "Independent reporting and analysis on religious persecution, violent "
        "extremism and security, with a particular focus on South Asia."
    ),
    "social": [
        ("X", "https://x.com/globalnews_demo"),
        ("Facebook", "https://www.facebook.com/globalnews.demo"),
        ("Telegram", "https://t.me/globalnews_demo"),
    ],
}

# Sections, in navigation order.
SECTIONS = [
    {
        "slug": "analysis",
        "title": "Analysis",
        "intro": (
            "Longer reads that examine how extremist movements grow, what drives "
            "them and how governments and communities respond. We separate evidence "
            "from assertion and say so when the picture is unclear."
        ),
    },
    {
        "slug": "security",
        "title": "Security",
        "intro": (
            "Reporting on terrorism, armed groups, policing and intelligence, "
            "focused on the threats that shape ordinary people’s lives and the "
            "measures that actually reduce them."
        ),
    },
    {
        "slug": "persecution",
        "title": "Persecution",
        "intro": (
            "Coverage of people targeted for their faith or belief: the cases, the "
            "laws behind them and the individuals and organisations working for "
            "justice."
        ),
    },
]

# Contributors. ``colour`` is the background of the generated portrait.
AUTHORS = [
    {
        "slug": "noor-halvorsen",
        "name": "Noor Halvorsen",
        "alias": "Kestrel",
        "role": "Senior analyst, South Asia",
        "bio": (
            "Noor Halvorsen has studied militant movements in South Asia for more "
            "than fifteen years, first as a researcher with a regional "
            "conflict-monitoring project and later as an independent analyst. She "
            "writes under the pen-name Kestrel when her reporting draws on sources "
            "who could be endangered by association. Her work focuses on "
            "recruitment, the informal economies that sustain armed groups and the "
            "communities caught between militants and the state. She is based in "
            "Europe and travels regularly to the region."
        ),
        "links": [
            ("Website", "https://example.org/people/noor-halvorsen"),
            ("X", "https://x.com/kestrel_gn_demo"),
        ],
        "colour": "#1F3A5F",
    },
    {
        "slug": "tomasz-wierzbicki",
        "name": "Tomasz Wierzbicki",
        "alias": "",
        "role": "Security correspondent",
        "bio": (
            "Tomasz Wierzbicki is the security correspondent of Global News, "
            "covering terrorism, policing and intelligence across Europe and the "
            "Sahel. Before joining the site he spent nine years as a court reporter "
            "in Łódź, following trials involving organised crime and extremist "
            "violence. He is particularly interested in how online platforms shape "
            "radicalisation and how law enforcement adapts to it. He works in "
            "Polish, English and French."
        ),
        "links": [
            ("Website", "https://example.org/people/tomasz-wierzbicki"),
            ("X", "https://x.com/twierzbicki_gn_demo"),
        ],
        "colour": "#3B2F4A",
    },
    {
        "slug": "zoe-marchetti",
        "name": "Zoë Marchetti",
        "alias": "",
        "role": "Religious freedom reporter",
        "bio": (
            "Zoë Marchetti reports on religious persecution and the treatment of "
            "minorities, with a focus on South Asia, the Middle East and East "
            "Africa. She previously worked for a legal aid organisation documenting "
            "blasphemy and apostasy cases, and holds a master’s degree in "
            "international human rights law. Her reporting centres the testimony of "
            "people affected by persecution. She takes particular care over the "
            "safety of those she interviews and will not publish details that could "
            "identify them without their consent."
        ),
        "links": [
            ("Website", "https://example.org/people/zoe-marchetti"),
            ("X", "https://x.com/zmarchetti_gn_demo"),
        ],
        "colour": "#7A2E2A",
    },
    {
        "slug": "elias-achterberg",
        "name": "Elias Achterberg",
        "alias": "",
        "role": "Editor",
        "bio": (
            "Elias Achterberg is the editor of Global News. He spent two decades as "
            "a foreign correspondent and security editor before helping to found the "
            "site, and writes occasionally on counter-terrorism policy and the "
            "protection of vulnerable communities. He is responsible for the site’s "
            "editorial standards and corrections policy. Readers are welcome to "
            "contact him with questions about our reporting."
        ),
        "links": [
            ("Website", "https://example.org/people/elias-achterberg"),
            ("X", "https://x.com/eachterberg_gn_demo"),
        ],
        "colour": "#1E4D3A",
    },
]

# Articles. The first one is the flagship analysis piece.
ARTICLES = [
    {
        "slug": "the-caravans-quiet-advance",
        "section": "analysis",
        "title": (
            "The Caravan’s quiet advance: how a jihadist recruitment network is "
            "gaining ground in South Asia"
        ),
        "standfirst": (
            "A movement that denies it exists is building influence through study "
            "circles, charity committees and private chat groups. Its restraint, not "
            "its violence, is what should worry policymakers."
        ),
        "authors": ["noor-halvorsen"],
        "tags": [
            "extremism",
            "south asia",
            "online radicalisation",
            "counter-terrorism",
        ],
        "days_ago": 1,
        "updated_days_ago": None,
        "image": {
            "filename": "caravan_converging_routes_0716",
            "alt": (
                "Abstract illustration in deep indigo and saffron: thin lines "
                "converge across a darkened background, suggesting routes drawn on a "
                "map at night"
            ),
            "caption": (
                "Recruitment routes rarely follow borders; they follow relationships."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#1B1F3B", "#E0A030", "#6C7A96"],
        },
        "source": {
            "name": "Harrowgate Centre for Persecution Studies",
            "url": "https://example.org/harrowgate-centre/briefings/the-caravan",
            "canonical": False,
        },
        "body": [
            (
                "heading",
                {
                    "text": (
                        "Origins and denials: a movement that insists it is not one"
                    ),
                    "level": "h2",
                },
            ),
            (
                "paragraph",
                (
                    "<p>For the past three years, analysts tracking militancy in "
                    "South Asia have noticed a pattern that does not fit the usual "
                    "template. Small study circles appear in provincial towns, "
                    "attract young men with promises of discipline and purpose, and "
                    "then fade from view without issuing manifestos, claiming "
                    "attacks or naming leaders. Participants refer to the "
                    "arrangement simply as <i>the Caravan</i>. Security officials in "
                    "at least two countries privately acknowledge its existence, yet "
                    "there is no registered organisation, no public spokesman and no "
                    "flag to ban.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The absence of a formal structure is deliberate. When "
                    "journalists or local officials have asked organisers about the "
                    "circles, the answer has been consistent: there is no movement, "
                    "only friends who meet to pray and study. That denial is "
                    "difficult to disprove and easy to repeat. It allows sympathetic "
                    "clerics to host gatherings without risking their positions, and "
                    "it gives families a reassuring explanation when a son begins "
                    "spending his evenings elsewhere. In effect, the Caravan has "
                    "turned deniability from a defensive tactic into an "
                    "<b>organising principle</b>.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>This is not the first time a militant current in the region "
                    "has chosen ambiguity over visibility. Earlier networks also "
                    "worked through informal study groups before declaring "
                    "themselves. What distinguishes the present case is patience. "
                    "There is little evidence that the Caravan is preparing an "
                    "imminent campaign of violence, and a good deal of evidence that "
                    "it is investing in people, relationships and reputation. That "
                    "should concern policymakers more, not less, because "
                    '<span data-question-id="demo-slow-influence" '
                    'data-question="Is influence built slowly really harder to '
                    'undo than a cell built quickly?">influence built slowly is far '
                    "harder to dismantle than a cell built quickly</span>.</p>"
                ),
            ),
            (
                "heading",
                {
                    "text": "Reach and recruitment: trust comes before ideology",
                    "level": "h2",
                },
            ),
            (
                "paragraph",
                (
                    "<p>Interviews conducted by researchers at the Harrowgate Centre "
                    "with former participants, teachers and local officials describe "
                    "a recruitment model built on trust rather than spectacle. "
                    "Prospective members are rarely approached online first. "
                    "Instead, they are introduced through cousins, classmates or "
                    "sports clubs, invited to a meal, and only later drawn into "
                    "discussions of doctrine. The ideological content arrives "
                    "gradually, framed as an answer to grievances the recruit "
                    "already holds: unemployment, humiliation at the hands of "
                    "police, or anger at the treatment of Muslims elsewhere in the "
                    "world.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": (
                        "“Nobody told me I was joining anything. They helped my "
                        "father find work, they asked about my exams, and after a "
                        "year I realised I could not imagine leaving.”"
                    ),
                    "attribution": (
                        "A former participant, whose name is withheld for his safety"
                    ),
                },
            ),
            (
                "paragraph",
                (
                    "<p>Charity is central to that model. Several welfare committees "
                    "linked to the circles distribute food parcels, pay school fees "
                    "and help with medical bills, filling gaps the state has left "
                    "open. None of these bodies openly promotes violence, and most "
                    "of their beneficiaries have no connection to militancy. But the "
                    "committees create obligations and a register of grateful "
                    "households, and they give organisers a legitimate reason to "
                    "travel, raise funds and hold meetings. Regulators who look only "
                    "for explicit extremist messaging will find nothing to act "
                    "on.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Online activity follows the offline relationships rather "
                    "than replacing them. Members move from public social media to "
                    "invitation-only channels on encrypted messaging apps, where "
                    "recorded lectures circulate alongside practical advice about "
                    "exams, marriage and work abroad. Claims of strength made in "
                    "these channels should be treated with caution: numbers are "
                    "inflated, and boasts about supporters inside the security "
                    "services are almost certainly false. Yet even exaggerated "
                    "claims serve a purpose, persuading recruits that they are "
                    "joining something larger, better connected and more permanent "
                    "than a local study circle.</p>"
                ),
            ),
            (
                "heading",
                {
                    "text": "Conclusion: patience is the Caravan’s real weapon",
                    "level": "h2",
                },
            ),
            (
                "paragraph",
                (
                    "<p>The temptation for governments will be to wait until the "
                    "Caravan announces itself through an attack, at which point "
                    "familiar counter-terrorism tools can be applied. That would be "
                    "a mistake. A more effective response would combine careful "
                    "intelligence work with measures that reduce the network’s "
                    "appeal: transparent regulation of charities that protects "
                    "genuine welfare providers, credible ways to complain about "
                    "police abuses, and support for local religious leaders willing "
                    "to contest the movement’s teaching in their own communities. "
                    "Heavy-handed crackdowns, by contrast, would confirm the story "
                    "the recruiters already tell.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Global News will keep following the Caravan and the "
                    "communities it targets, and we will publish further reporting "
                    "as the research develops. If you found this analysis useful, "
                    "please share it with colleagues, friends and anyone who works "
                    "on security or religious freedom in South Asia; independent "
                    "reporting of this kind depends on readers who pass it on. Come "
                    'back soon for more <a href="/analysis/">analysis</a>, and '
                    "tell us what you are seeing where you live.</p>"
                ),
            ),
            (
                "cta",
                {
                    "title": "Get our analysis as it is published",
                    "text": (
                        "Subscribe to the Global News feed to receive new analysis, "
                        "security reporting and persecution coverage in the reader "
                        "of your choice."
                    ),
                    "link_text": "Subscribe to the feed",
                    "link_url": "/feed/",
                },
            ),
        ],
    },
    {
        "slug": "counting-attacks-is-not-measuring-risk",
        "section": "analysis",
        "title": "Counting attacks is not the same as measuring risk",
        "standfirst": (
            "Incident tallies dominate public debate about extremism. They are "
            "useful, but they miss the slow build-up of capability and intent that "
            "comes before most serious violence."
        ),
        "authors": ["elias-achterberg"],
        "tags": ["extremism", "counter-terrorism", "policy"],
        "days_ago": 3,
        "updated_days_ago": None,
        "image": {
            "filename": "uneven_bars_teal_coral_0422",
            "alt": (
                "Abstract illustration of uneven vertical bars in slate grey and "
                "coral rising from a dark teal background, like a chart with no "
                "labels"
            ),
            "caption": (
                "Incident counts show what has happened, not what is being prepared."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#0F3B3F", "#E86A50", "#8A9BA8"],
        },
        "source": None,
        "body": [
            ("heading", {"text": "What the numbers capture", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Most public discussion of extremist violence begins with a "
                    "number: attacks this year compared with last, deaths per "
                    "region, arrests per quarter. These figures are indispensable. "
                    "They allow researchers to compare countries, hold governments "
                    "to account and notice sudden changes. But incident databases "
                    "record outcomes, and outcomes are the final stage of a long "
                    "process. A year with few attacks may reflect effective "
                    "policing, or it may reflect a movement that is rebuilding, "
                    "recruiting and waiting for a better moment.</p>"
                ),
            ),
            ("heading", {"text": "The problem of quiet years", "level": "h3"}),
            (
                "paragraph",
                (
                    "<p>Quiet years are where the counting approach is weakest. "
                    "After heavy losses, militant organisations often stop claiming "
                    "operations, disperse their members and concentrate on "
                    "fundraising and training. To an observer relying on incident "
                    "data, the threat appears to be receding, and budgets and "
                    "attention move elsewhere. The fall in attacks is real, but the "
                    "conclusion drawn from it can be badly wrong. Several "
                    "resurgences in the past two decades followed precisely such "
                    "periods of apparent calm.</p>"
                ),
            ),
            ("heading", {"text": "Better indicators of risk", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>A more useful picture combines incident data with signs of "
                    "capability and intent, including:</p><ul><li>the number and "
                    "reach of recruitment channels, online and "
                    "offline;</li><li>fundraising beyond what day-to-day activity "
                    "requires;</li><li>the movement of experienced fighters between "
                    "conflicts;</li><li>local grievances that recruiters can "
                    "credibly exploit.</li></ul><p>None of these is easy to measure, "
                    "which is why they are so often ignored.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "the-limits-of-deradicalisation",
        "section": "analysis",
        "title": (
            "The limits of deradicalisation: what exit programmes can and cannot do"
        ),
        "standfirst": (
            "Programmes that help people leave extremist movements have a mixed "
            "record. The evidence suggests they work best when they are modest, "
            "local and honest about their aims."
        ),
        "authors": ["noor-halvorsen", "tomasz-wierzbicki"],
        "tags": ["extremism", "counter-terrorism", "policy"],
        "days_ago": 6,
        "updated_days_ago": None,
        "image": {
            "filename": "open_door_gradient_1103",
            "alt": (
                "Abstract illustration of a pale rectangular opening set in layers "
                "of muted green and charcoal, suggesting a doorway seen from a "
                "distance"
            ),
            "caption": "Leaving a movement is a process, not a single decision.",
            "credit": "Illustration: Global News",
            "palette": ["#2E3B32", "#A8C3A0", "#D9D4C7"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>Few ideas in counter-extremism policy are as attractive as "
                    "deradicalisation. The promise is that people who have joined "
                    "violent movements can be persuaded to abandon not only the "
                    "violence but the beliefs behind it, and then returned safely to "
                    "society. Governments in Europe, the Middle East and South Asia "
                    "have funded such programmes, often with generous claims about "
                    "their results. The reality is more uneven, and the most careful "
                    "practitioners now speak less about changing minds and more "
                    "about helping people build a different life.</p>"
                ),
            ),
            ("heading", {"text": "Measuring success", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Success is hard to define. Low reoffending rates are "
                    "frequently cited, but many participants were never likely to "
                    "commit further violence, and programmes rarely follow people "
                    "for long after release. Some schemes select the most promising "
                    "candidates, which flatters their figures. Independent "
                    "evaluations, where they exist, tend to find that practical "
                    "support, such as housing, employment and a stable relationship "
                    "with a mentor, matters more than theological debate. "
                    "Disengagement from violence, rather than a complete change of "
                    "belief, is the more realistic goal.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": (
                        "“We stopped asking whether someone had changed his ideas "
                        "and started asking whether he had somewhere to go on a "
                        "Friday night.”"
                    ),
                    "attribution": "A mentor with a European exit programme",
                },
            ),
            (
                "paragraph",
                (
                    "<p>None of this means such programmes are worthless. They offer "
                    "a route out for people who want one, and they give families and "
                    "communities someone to call. But they should not be asked to "
                    "carry burdens they cannot bear. Exit work is no substitute for "
                    "good policing, fair trials or credible political answers to the "
                    "grievances recruiters exploit, and it should never be used to "
                    "justify holding people indefinitely after their sentences end. "
                    "Modest, well-evaluated programmes are worth more than ambitious "
                    "ones that promise transformation.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "blasphemy-accusations-and-local-power",
        "section": "analysis",
        "title": "Blasphemy accusations as an instrument of local power",
        "standfirst": (
            "In many cases an accusation of blasphemy has less to do with religion "
            "than with land, debts and local rivalries. The law gives those disputes "
            "a deadly edge."
        ),
        "authors": ["zoe-marchetti"],
        "tags": ["religious freedom", "blasphemy laws", "minorities", "south asia"],
        "days_ago": 8,
        "updated_days_ago": None,
        "image": {
            "filename": "scattered_paper_fragments_0587",
            "alt": (
                "Abstract illustration of torn cream-coloured fragments scattered "
                "over a deep crimson field, with a single dark line crossing them"
            ),
            "caption": "An accusation does not need to be proved to do lasting damage.",
            "credit": "Illustration: Global News",
            "palette": ["#5C1A1B", "#EDE3CF", "#2B2B2B"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>Researchers who document blasphemy cases tend to reach the "
                    "same uncomfortable conclusion: the alleged offence is often the "
                    "least important part of the story. Accusations frequently "
                    "follow a dispute over land, a business rivalry, an unpaid debt "
                    "or a personal quarrel. Where blasphemy carries severe penalties "
                    "and mobs may act before the police arrive, an accusation is a "
                    "formidable weapon. It does not need to be proved to destroy a "
                    "family’s livelihood, force them from their home or put their "
                    "lives at risk.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>Religious minorities are disproportionately exposed, but "
                    "they are not the only targets. Members of the majority faith, "
                    "including teachers, journalists and people with mental illness, "
                    "have also been accused. What the cases share is an imbalance of "
                    "power. The accuser can usually rely on local networks and "
                    "sympathetic clerics, while the accused depends on lawyers "
                    "willing to take considerable personal risks. Trials can last "
                    "years, and acquittal does not guarantee safety; many people "
                    "cleared by the courts cannot return to their communities.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": "“The court acquitted him. The village never did.”",
                    "attribution": "A defence lawyer, describing a client’s case",
                },
            ),
            (
                "paragraph",
                (
                    "<p>Reform is politically difficult, but procedural changes "
                    "could reduce the harm. Requiring senior police officers to "
                    "review complaints before they are registered, penalising "
                    "demonstrably false accusations and protecting the accused in "
                    'custody would each make the law harder to abuse. Our <a href="'
                    '/persecution/">persecution coverage</a> follows individual '
                    'cases, and the <a href="'
                    'https://example.org/legal-aid/blasphemy-procedure">procedural '
                    "recommendations</a> published by legal aid groups offer a "
                    "practical starting point for lawmakers.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "encrypted-channels-and-the-new-recruiter",
        "section": "security",
        "title": "Encrypted channels and the new recruiter",
        "standfirst": (
            "Extremist recruiters have adapted to platform moderation by moving "
            "conversations into private groups. Investigators say the shift has "
            "changed who gets recruited, and how quickly."
        ),
        "authors": ["tomasz-wierzbicki"],
        "tags": ["online radicalisation", "extremism", "counter-terrorism"],
        "days_ago": 4,
        "updated_days_ago": 2,
        "image": {
            "filename": "glowing_nodes_dark_grid_0931",
            "alt": (
                "Abstract illustration of small glowing turquoise nodes joined by "
                "faint lines on a near-black grid, suggesting a private network"
            ),
            "caption": (
                "Recruitment has moved from public feeds into small, closed groups."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#0B1320", "#2EC4B6", "#3D5A80"],
        },
        "source": None,
        "body": [
            ("heading", {"text": "From broadcast to conversation", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>A decade ago, extremist propaganda online was loud and "
                    "public. Polished videos circulated on mainstream platforms, and "
                    "recruiters competed for attention with hashtags and viral "
                    "content. Sustained moderation by the largest platforms has "
                    "pushed much of that material out of view. What replaced it is "
                    "quieter and, in some respects, more effective: small "
                    "invitation-only groups where a recruiter can build a personal "
                    "relationship with a handful of young people, answer their "
                    "questions and gradually isolate them from other influences.</p>"
                ),
            ),
            ("heading", {"text": "Gaming, fitness and music spaces", "level": "h3"}),
            (
                "paragraph",
                (
                    "<p>Investigators in several European countries report that "
                    "first contact increasingly happens in spaces with no obvious "
                    "connection to politics or religion, such as gaming chats, "
                    "fitness forums and music communities. Recruiters look for signs "
                    "of loneliness or anger, offer friendship, and only later "
                    "introduce ideological material. The pattern cuts across "
                    "movements: jihadist and far-right recruiters use strikingly "
                    "similar techniques. In both cases the age of those drawn in has "
                    "fallen, and some teenagers arrested in recent cases had been in "
                    "contact with recruiters for only a few months.</p>"
                ),
            ),
            ("heading", {"text": "What investigators can do", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>End-to-end encryption limits what the authorities can see, "
                    "and proposals to weaken it would create serious risks for "
                    "journalists, dissidents and persecuted minorities who rely on "
                    "secure communication. Investigators point instead to lawful "
                    "infiltration of groups, better reporting tools for users and "
                    "closer work with parents and schools. A detective in Łódź told "
                    "Global News that most of her successful cases began with a "
                    "worried friend or sibling, not with intercepted messages. "
                    "Prevention, she argued, depends on adults knowing what to look "
                    "for.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "kidnap-for-ransom-in-the-central-sahel",
        "section": "security",
        "title": "Kidnap for ransom is financing armed groups across the central Sahel",
        "standfirst": (
            "Abductions of traders, officials and aid workers have become a steady "
            "source of income for armed groups, and a growing burden on communities "
            "already under strain."
        ),
        "authors": ["tomasz-wierzbicki"],
        "tags": ["sahel", "counter-terrorism", "extremism"],
        "days_ago": 10,
        "updated_days_ago": None,
        "image": {
            "filename": "ochre_road_horizon_0264",
            "alt": (
                "Abstract illustration of a pale ochre road narrowing towards a low "
                "horizon under a heavy brown and grey sky"
            ),
            "caption": "Roads and markets are where kidnappers find their victims.",
            "credit": "Illustration: Global News",
            "palette": ["#4A3B2A", "#C98E3E", "#7D7F7D"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>Across the central Sahel, kidnapping has become an industry. "
                    "Armed groups, including affiliates of transnational jihadist "
                    "movements and criminal gangs that sometimes work alongside "
                    "them, abduct traders, livestock owners, local officials and "
                    "occasionally foreign nationals. Most victims are local people "
                    "whose cases never reach international headlines. Families raise "
                    "ransoms by selling cattle, borrowing from relatives or pooling "
                    "money across a village, and the proceeds pay fighters, buy fuel "
                    "and weapons and sustain the groups when other income dries "
                    "up.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The effect on communities is corrosive. Traders avoid "
                    "markets, teachers leave rural schools and officials stop "
                    "travelling to the areas they are meant to serve. Each "
                    "withdrawal weakens the presence of the state and leaves armed "
                    "groups as the main authority, able to tax, settle disputes and "
                    "decide who may use the roads. Kidnapping is therefore not only "
                    "a source of money but a method of control, and it deepens a "
                    "displacement crisis that has already uprooted millions of "
                    "people in the region.</p>"
                ),
            ),
            ("heading", {"text": "Who pays, and who decides", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Governments face painful choices. Paying ransoms can save "
                    "lives but finances further abductions, while refusing to pay "
                    "may leave families to negotiate alone through intermediaries of "
                    "uncertain loyalty. Analysts increasingly argue for consistent "
                    "policies, better protection of roads and markets, and support "
                    "for families pressed into paying. Without that, the economics "
                    'of kidnapping will keep favouring the kidnappers. Our <a href="'
                    '/security/">security section</a> will return to the question '
                    "of negotiated releases in a forthcoming report.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "protecting-places-of-worship",
        "section": "security",
        "title": "Protecting places of worship: what works and what does not",
        "standfirst": (
            "Churches, mosques, temples and synagogues face a persistent threat of "
            "attack. Security specialists say the most effective protection is often "
            "the least visible."
        ),
        "authors": ["elias-achterberg"],
        "tags": ["religious freedom", "counter-terrorism", "minorities"],
        "days_ago": 15,
        "updated_days_ago": None,
        "image": {
            "filename": "arched_window_layers_0658",
            "alt": (
                "Abstract illustration of overlapping arches in warm gold and slate "
                "blue, suggesting the windows of a place of worship at evening"
            ),
            "caption": "Open doors are part of what a place of worship is for.",
            "credit": "Illustration: Global News",
            "palette": ["#22304A", "#D4A84B", "#5E6B7D"],
        },
        "source": {
            "name": "Northgate Security Review",
            "url": "https://example.org/northgate-review/protecting-places-of-worship",
            "canonical": True,
        },
        "body": [
            (
                "paragraph",
                (
                    "<p>Places of worship are open by design. They welcome "
                    "strangers, gather large numbers of people at predictable times "
                    "and are often symbols of a community’s identity, which makes "
                    "them attractive to attackers seeking maximum impact. Over the "
                    "past decade, deadly attacks on churches, mosques, synagogues "
                    "and temples on several continents have led congregations to "
                    "reconsider their security. The challenge is to reduce the risk "
                    "without turning a house of prayer into a fortress that deters "
                    "the very people it exists to serve.</p>"
                ),
            ),
            ("heading", {"text": "Layers, not fortresses", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Specialists describe effective protection as a series of "
                    "modest layers rather than a single barrier. Simple measures "
                    "such as controlled entrances during services, good lighting, "
                    "clear evacuation routes and a working relationship with local "
                    "police reduce risk considerably. Physical barriers against "
                    "vehicles matter at large sites. Expensive technology is rarely "
                    "decisive; what matters more is whether someone is watching, "
                    "whether they know what to do, and whether the building can be "
                    "emptied quickly if something goes wrong.</p>"
                ),
            ),
            ("heading", {"text": "The role of the congregation", "level": "h3"}),
            (
                "paragraph",
                (
                    "<p>Trained volunteers from within the congregation are often "
                    "the most important layer. Stewards who greet worshippers can "
                    "notice unusual behaviour without creating an atmosphere of "
                    "suspicion, and basic first-aid training has saved lives during "
                    "past attacks. Communities facing persecution, however, cannot "
                    "always rely on the authorities, and in some countries the "
                    "police are themselves part of the threat. For them, outside "
                    "support for training, documentation and safe communication can "
                    "matter as much as locks and cameras.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "lone-actors-shared-scripts",
        "section": "security",
        "title": "Lone actors, shared scripts",
        "standfirst": (
            "Attackers described as acting alone are rarely as isolated as the label "
            "suggests. Their methods, targets and justifications are often borrowed "
            "from online communities."
        ),
        "authors": ["noor-halvorsen"],
        "tags": ["online radicalisation", "extremism"],
        "days_ago": 18,
        "updated_days_ago": None,
        "image": {
            "filename": "repeated_silhouettes_0349",
            "alt": (
                "Abstract illustration of a single grey figure outline repeated in "
                "fading copies across a dark plum background"
            ),
            "caption": "Attackers copy one another’s language, targets and methods.",
            "credit": "Illustration: Global News",
            "palette": ["#2D1E2F", "#9A8C98", "#F2E9E4"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>The phrase “lone wolf” remains popular in headlines, but it "
                    "has fallen out of favour among researchers. Many attackers who "
                    "acted without direct orders from an organisation were "
                    "nonetheless deeply embedded in online communities that "
                    "encouraged, celebrated and instructed them. They read the same "
                    "manifestos, copied earlier attackers’ choice of targets and "
                    "often announced their intentions to an audience in advance. "
                    "Describing them as alone obscures the networks that shaped them "
                    "and the warning signs that others may have seen.</p>"
                ),
            ),
            ("heading", {"text": "A borrowed repertoire", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Case studies reveal a striking degree of imitation. "
                    "Attackers cite their predecessors by name, reproduce their "
                    "language and sometimes try to surpass their death tolls. The "
                    "repertoire also crosses ideological lines: methods pioneered by "
                    "one movement are quickly adopted by another. The result is a "
                    "kind of script, available to anyone who seeks it out, which "
                    "reduces the planning an attack requires and offers a sense of "
                    "belonging to people who may have few relationships offline.</p>"
                ),
            ),
            ("heading", {"text": "Implications for prevention", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>If attackers draw on shared scripts, prevention can target "
                    "the scripts as well as the individuals. That means removing "
                    "manifestos and attack footage promptly, studying how such "
                    "material spreads, and encouraging people in online communities "
                    "to report worrying statements rather than dismiss them as "
                    "bravado. It also means taking leakage seriously: in a large "
                    "share of cases, someone heard or read about the plan "
                    "beforehand. Clear, trusted ways of passing on those concerns "
                    "may prevent more attacks than any new surveillance power.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "converts-under-pressure",
        "section": "persecution",
        "title": "Converts under pressure: family, law and the village council",
        "standfirst": (
            "People who change their religion often face their greatest danger not "
            "from the state but from relatives and neighbours. Legal protections "
            "rarely reach them."
        ),
        "authors": ["zoe-marchetti"],
        "tags": ["religious freedom", "minorities", "south asia"],
        "days_ago": 12,
        "updated_days_ago": 9,
        "image": {
            "filename": "two_paths_dusk_0812",
            "alt": (
                "Abstract illustration of two diverging paths in soft lilac and "
                "amber crossing a dark blue field at dusk"
            ),
            "caption": (
                "For many converts, the decision to change faith is also a decision "
                "to leave home."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#1C2541", "#B8A1D9", "#E9A84C"],
        },
        "source": None,
        "body": [
            ("heading", {"text": "A private decision made public", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>The freedom to change one’s religion is protected in "
                    "international human rights law, yet for many people it remains "
                    "theoretical. In a number of countries, leaving the majority "
                    "faith is not a crime in itself, but it can bring loss of "
                    "inheritance, the dissolution of a marriage, removal of children "
                    "and exclusion from community life. Converts interviewed for "
                    "this article in South Asia, the Middle East and East Africa "
                    "described the moment their decision became known as the point "
                    "at which family disagreement turned into danger.</p>"
                ),
            ),
            ("heading", {"text": "The role of informal councils", "level": "h3"}),
            (
                "paragraph",
                (
                    "<p>Much of the pressure is exercised informally. Village "
                    "councils, clan elders and religious committees may summon a "
                    "convert, demand a return to the family faith and impose "
                    "penalties that no court has authorised. These bodies are not "
                    "always hostile, and some mediate disputes fairly. But when a "
                    "council sides with relatives, a convert has few options. "
                    "Complaints to the police may be ignored or passed back to the "
                    "same community leaders, and moving away means leaving behind "
                    "work, support and sometimes children.</p>"
                ),
            ),
            ("heading", {"text": "Where protection fails", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Women face particular risks, including forced marriage and "
                    "confinement at home, and are less able to leave. Lawyers and "
                    "advocates told us that legal reform is necessary but not "
                    "sufficient: rights that exist on paper need police who will "
                    "enforce them, courts that hear cases promptly and shelters that "
                    "can take people in at short notice. Support groups increasingly "
                    "focus on documentation, so that patterns of abuse can be put "
                    "before courts and international bodies. Read more in our <a "
                    'href="/persecution/">persecution section</a>.</p>'
                ),
            ),
        ],
    },
    {
        "slug": "rohingya-refugees-and-shrinking-aid",
        "section": "persecution",
        "title": "For Rohingya refugees, shrinking aid brings new dangers",
        "standfirst": (
            "Funding shortfalls are straining the camps in Bangladesh, where close "
            "to a million Rohingya refugees depend on assistance and armed groups "
            "exploit every gap."
        ),
        "authors": ["zoe-marchetti"],
        "tags": ["refugees", "minorities", "south asia", "religious freedom"],
        "days_ago": 21,
        "updated_days_ago": None,
        "image": {
            "filename": "crowded_rooftops_haze_0175",
            "alt": (
                "Abstract illustration of closely packed angular shapes in faded "
                "blue and terracotta under a hazy sky, suggesting rooftops of a "
                "crowded camp"
            ),
            "caption": (
                "The camps near Cox’s Bazar are among the most densely populated "
                "places on earth."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#34495E", "#C0674A", "#D8CFC0"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>Years after the largest exodus of Rohingya from Myanmar, "
                    "close to a million refugees remain in crowded camps in the "
                    "Cox’s Bazar district of Bangladesh. Their opportunities to work "
                    "legally are tightly restricted, their children’s education is "
                    "limited, and a safe return to Myanmar appears as distant as "
                    "ever. Humanitarian funding has not kept pace with need, and "
                    "cuts to food assistance have left many households choosing "
                    "between meals, medicine and the informal payments demanded by "
                    "those who control access to services.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": (
                        "“When the rations were cut, the men with guns became the "
                        "only people offering anything.”"
                    ),
                    "attribution": (
                        "A community volunteer in the camps, speaking on condition "
                        "of anonymity"
                    ),
                },
            ),
            (
                "paragraph",
                (
                    "<p>Aid workers and refugees describe growing insecurity as "
                    "resources shrink. Armed groups and criminal networks operate in "
                    "the camps, recruiting young men, extorting shopkeepers and "
                    "intimidating community leaders who speak out. Women and girls "
                    "face heightened risks of trafficking and early marriage as "
                    "families look for ways to survive. Attempts to reach Malaysia "
                    "or Indonesia by boat, a dangerous journey that has already cost "
                    "many lives, have become more frequent as hope of a settled "
                    "future fades.</p>"
                ),
            ),
            (
                "paragraph",
                (
                    "<p>The crisis began with persecution on religious and ethnic "
                    "grounds, and that history shapes what happens next. A lasting "
                    "solution depends on restored citizenship and security in "
                    "Myanmar; in the meantime, sustained funding, education and "
                    "lawful work would reduce the leverage of armed groups. See our "
                    'earlier coverage in the <a href="/persecution/">persecution '
                    'section</a> and the <a href="'
                    "https://example.org/refugee-briefings/rohingya-camps"
                    '">background briefing</a> prepared by partner researchers for '
                    "more detail on conditions in the camps.</p>"
                ),
            ),
        ],
    },
    {
        "slug": "when-witnesses-stop-talking",
        "section": "persecution",
        "title": "When witnesses stop talking: intimidation in persecution cases",
        "standfirst": (
            "Prosecutions for attacks on religious minorities often collapse before "
            "a verdict. The reason, lawyers say, is rarely a lack of evidence — it "
            "is fear."
        ),
        "authors": ["elias-achterberg"],
        "tags": ["religious freedom", "minorities", "blasphemy laws"],
        "days_ago": 25,
        "updated_days_ago": 20,
        "image": {
            "filename": "muted_figures_courtroom_0903",
            "alt": (
                "Abstract illustration of faint standing figures in pale grey "
                "against a dark burgundy and umber background, their outlines partly "
                "dissolved"
            ),
            "caption": (
                "Witnesses to communal violence are often the most exposed people in "
                "the case."
            ),
            "credit": "Illustration: Global News",
            "palette": ["#3A1F24", "#6B4F3A", "#C9C5C0"],
        },
        "source": None,
        "body": [
            (
                "paragraph",
                (
                    "<p>Attacks on religious minorities are often witnessed by "
                    "dozens of people. Homes are burned in daylight, places of "
                    "worship are damaged in front of crowds and assaults are filmed "
                    "on mobile phones. Yet prosecutions regularly end without "
                    "convictions. Lawyers representing victims in several countries "
                    "describe the same sequence: an initial wave of arrests and "
                    "public statements from officials, then months of adjournments "
                    "during which witnesses withdraw their statements, victims "
                    "accept settlements and the case quietly collapses.</p>"
                ),
            ),
            ("heading", {"text": "Why cases collapse", "level": "h2"}),
            (
                "paragraph",
                (
                    "<p>Intimidation is the common thread. Witnesses from minority "
                    "communities depend on their neighbours for work, credit and "
                    "safety, and the accused are often better connected locally. "
                    "Pressure can be explicit, in the form of threats, or subtle, "
                    "through offers of compensation and warnings that pursuing the "
                    "case will bring more trouble. Courts seldom provide protection, "
                    "and witness-protection schemes, where they exist, are designed "
                    "for organised crime rather than communal violence. Every delay "
                    "gives the accused another chance to lean on witnesses.</p>"
                ),
            ),
            (
                "quote",
                {
                    "text": (
                        "“Every adjournment is another visit to the witness’s home.”"
                    ),
                    "attribution": (
                        "A human rights lawyer who represents victims of communal "
                        "violence"
                    ),
                },
            ),
            (
                "paragraph",
                (
                    "<p>Practical measures could change the balance. Recording "
                    "witness statements before a magistrate early in an "
                    "investigation, moving hearings to another district, "
                    "fast-tracking cases of communal violence and temporarily "
                    "relocating key witnesses have all been proposed by legal aid "
                    "organisations. None requires new legislation, only the will to "
                    "use existing powers. Until that happens, impunity will remain "
                    "the norm, and those who carry out attacks will draw the obvious "
                    "conclusion about what they can get away with.</p>"
                ),
            ),
            (
                "cta",
                {
                    "title": "Follow our persecution reporting",
                    "text": (
                        "We track cases of violence against religious minorities and "
                        "return to them after the headlines have moved on."
                    ),
                    "link_text": "Read more persecution reporting",
                    "link_url": "/persecution/",
                },
            ),
        ],
    },
]

# The discussion under the flagship: a guest comment with one up-vote, and a reply.
COMMENTS = [
    {
        "name": "Samir",
        "email": "samir@example.org",
        "body": (
            "Useful piece. The point about study circles matches what I have heard "
            "from teachers in my own district."
        ),
        "up_votes": 1,
    },
    {
        "name": "Helen",
        "email": "helen@example.org",
        "body": "Agreed. Would be good to see a follow-up on how schools respond.",
        "reply_to_first": True,
    },
    {
        "name": "Farid",
        "email": "farid@example.org",
        "body": (
            "Mostly yes. A cell can be arrested; a web of favours and friendships "
            "outlives any one member. But slow influence is also easier to watch."
        ),
        "answers_question": True,
    },
]

# Comments that wait on the moderators' desk: held by the checks when the demo is
# loaded (a newcomer's link to a site nobody vouched for; a pasted advertisement).
HELD_COMMENTS = [
    {
        "name": "Kamran",
        "email": "kamran@example.org",
        "body": (
            "There is a longer account of the recruiters' meetings here: "
            "https://district-notes.example/recruiters"
        ),
    },
    {
        "name": "Best Deals",
        "email": "deals@example.org",
        "body": (
            "Earn from home today!!! Message us on WhatsApp +44 7700 900123 for "
            "guaranteed daily profits."
        ),
    },
]

# Readers' ratings of the flagship, in stars (the seed's "Article Rating").
RATINGS = [5, 4, 5, 4, 3, 5, 4]
