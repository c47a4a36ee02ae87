"""Voice of the member: what a post is about and whether it asks for something.

Recurring themes are phrases that recur across posts: word pairs and triples for languages
written with spaces (en, it, lv, pl), with no stop word at either end; character pairs and
triples of Chinese text (zh-Hans has no spaces). Each post's phrases are extracted once, when
the rollup first sees it (services.score_new_posts), and counted by the console over recent
posts (queries.themes). A phrase counts once per post, so one long post cannot make a theme.

Sentiment comes from the moderation classifier interface (settings.FLYWHEEL_TEXT_CLASSIFIER),
in the author's language. Feature requests are posts that ask for something in one of the
shipped languages' usual wordings ("would be great if", "sarebbe bello se", ...).
"""

import re

from flywheel.core.markup import excerpt

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
HAN = re.compile(r"[\u4e00-\u9fff]+")
MAX_PHRASES_PER_POST = 80
LANGUAGES = ("en", "it", "lv", "pl", "zh-hans")

STOP_WORDS = {
    "en": """a about above after again all also am an and any are as at be because been before
        being below between both but by can could did do does doing don't down during each few
        for from further get got had has have having he her here hers him his how i i'm if in
        into is it it's its just like me more most my no nor not now of off on once one only or
        other our out over own really same she should so some still such than that the their
        them then there these they this those through to too under until up very was we were
        what when where which while who why will with would you your yours i've i'd i'll
        thanks thank hi hello anyone someone something much many well even yet way got""",
    "it": """a ad al alla alle allo anche ancora che chi ci come con cosa da dal dalla dei del
        della delle di dove e ed è era gli ha hanno ho i il in io la le lei li lo loro lui ma
        mi mio molto ne nei nel nella no noi non o per perché più poi quale quando quello
        questo qui se sei si sia sono su sua sue suo sul sulla tra tu tutto un una uno vi voi
        grazie ciao qualcuno già sempre così""",
    "lv": """un ar bet par pie no uz ir bija būs es tu viņš viņa mēs jūs viņi tas tā tie tās
        kas ko kā kur kad ja jo vai arī vēl ļoti tikai to tam šo šis šī mans mana savs sava
        nav esmu esam pēc līdz pa pret bez kāds kāda paldies sveiki kāpēc""",
    "pl": """a aby ale bo by być czy dla do go i ich im jak jest jej jego już ja ją je lub ma
        mi mnie może na nie nic o od po pod przez przy się są ta tak tam te ten to tu ty w we
        z za ze że jestem jesteś był była było co gdzie kiedy który która które bardzo tylko
        też jeszcze dziękuję cześć mam mają""",
}
STOP_SET = frozenset(word for words in STOP_WORDS.values() for word in words.split())
# Characters that carry grammar rather than meaning in Chinese: no phrase starts or ends on one.
HAN_STOP = frozenset("的了是在我你他她它们这那有和就也都很吗呢吧啊个不会要")

REQUEST_PATTERNS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # en
        r"\bfeature request\b",
        r"\bwould (?:be|love) (?:great|nice|cool|helpful|awesome)? ?(?:if|to)\b",
        r"\bplease (?:add|make|bring|offer|consider)\b",
        r"\b(?:could|can) you (?:please )?(?:add|make|offer|bring)\b",
        r"\bi wish (?:you|there|it|they)\b",
        r"\bit would help if\b",
        # it
        r"\bsarebbe (?:bello|utile|fantastico|ottimo) (?:se|avere)\b",
        r"\bpotreste (?:aggiungere|fare|offrire)\b",
        r"\bper favore aggiungete\b",
        r"\bvorrei che\b",
        # lv
        r"\bbūtu (?:labi|lieliski|forši),? ja\b",
        r"\blūdzu,? pievienojiet\b",
        r"\bvajadzētu pievienot\b",
        # pl
        r"\bbyłoby (?:fajnie|super|świetnie|dobrze),? gdyby\b",
        r"\bfajnie by było\b",
        r"\bproszę (?:o )?doda(?:ć|nie)\b",
        r"\bprosimy o dodanie\b",
        # zh-Hans (no word boundaries in Chinese)
        r"希望(?:能|可以|增加|添加|推出)",
        r"建议(?:增加|添加|推出)",
        r"能不能(?:加|增加|出)",
    )
]


def language_of(text: str, author_language: str) -> str:
    """The post's language: Chinese when it is mostly Han characters, else the author's."""
    han = sum(len(run) for run in HAN.findall(text))
    if han and han * 2 >= len(re.sub(r"\s", "", text)) * 0.5:
        return "zh-hans"
    return author_language if author_language in LANGUAGES else "en"


def plain_text(markdown: str) -> str:
    """The words of a post without Markdown, links or quotes of others."""
    without_quotes = "\n".join(
        line for line in (markdown or "").splitlines() if not line.lstrip().startswith(">")
    )
    without_code = re.sub(r"```.*?```|`[^`]*`", " ", without_quotes, flags=re.DOTALL)
    without_links = re.sub(r"https?://\S+", " ", without_code)
    return excerpt(without_links, length=5000)


def _word_phrases(text: str) -> set[str]:
    words = [word.lower().replace("’", "'") for word in WORD.findall(text)]
    phrases = set()
    for size in (2, 3):
        for start in range(len(words) - size + 1):
            gram = words[start : start + size]
            if gram[0] in STOP_SET or gram[-1] in STOP_SET:
                continue
            if len(gram[0]) < 2 or len(gram[-1]) < 2:
                continue
            phrases.add(" ".join(gram))
    return phrases


def _han_phrases(text: str) -> set[str]:
    phrases = set()
    for run in HAN.findall(text):
        for size in (2, 3):
            for start in range(len(run) - size + 1):
                gram = run[start : start + size]
                if gram[0] in HAN_STOP or gram[-1] in HAN_STOP:
                    continue
                phrases.add(gram)
    return phrases


def phrases_of(text: str, language: str) -> list[str]:
    """The candidate theme phrases of one post (each once), longest first, capped."""
    found = _han_phrases(text) if language == "zh-hans" else _word_phrases(text)
    return sorted(found, key=lambda phrase: (-len(phrase), phrase))[:MAX_PHRASES_PER_POST]


def is_request(text: str) -> bool:
    return any(pattern.search(text) for pattern in REQUEST_PATTERNS)
