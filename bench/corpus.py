"""The words a generated community is written in: names, spaces, titles and post bodies.

A small vocabulary of an outdoor-gear brand's community, combined at random. Bodies are
built as a pool of templates that the generator renders to HTML once each and reuses, the
way a million posts would otherwise need a million Markdown renders.
"""

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "anna giulia marco luca sofia elena paolo chiara davide sara lukas emma noah mia jonas "
    "lea felix ella liam olivia wei li fang jun mei hao yan ming agnese janis liga martins "
    "ilze karlis zofia jakub kasia piotr ola tomasz maja adam eva jan nina erik ida oskar "
    "astrid nils freya hugo alice louis chloe leo ines mateo lucia diego carmen pablo rosa "
    "samir leila omar yara amir nora ravi priya arjun kavya kenji yuki hana sora ben kate"
).split()
LAST_NAMES = (
    "rossi bianchi ferrari romano colombo ricci marino greco bruno gallo conti costa "
    "mueller schmidt schneider fischer weber meyer wagner becker hoffmann koch wang zhang "
    "liu chen yang huang zhao berzins kalnins ozols liepa krumins nowak kowalski wisniewski "
    "wojcik kaminski lewandowski dubois martin bernard moreau laurent garcia lopez martinez "
    "sanchez perez smith jones taylor brown wilson evans walker hughes patel shah tanaka "
    "suzuki sato nilsson larsen berg lind holm"
).split()
LANGUAGES = ["en"] * 14 + ["it"] * 3 + ["pl"] * 2 + ["lv", "zh-hans"]
TIMEZONES = [
    "UTC",
    "Europe/Rome",
    "Europe/Berlin",
    "Europe/Riga",
    "Europe/Warsaw",
    "Europe/London",
    "America/New_York",
    "America/Denver",
    "Asia/Shanghai",
    "Asia/Tokyo",
]


@dataclass(frozen=True)
class SpaceDefinition:
    name: str
    slug: str
    icon: str
    color: str
    visibility: str  # a community.models.Visibility value
    description: str
    topic_weight: float  # share of the community's topics started here
    question_share: float
    gate_description: str = ""
    announcements_only: bool = False


SPACES = (
    SpaceDefinition(
        "News from Northtrail",
        "news",
        "megaphone",
        "#b5472f",
        "public",
        "Launches, events and changes from the Northtrail team.",
        0.6,
        0.0,
        announcements_only=True,
    ),
    SpaceDefinition(
        "Hiking & Backpacking",
        "hiking",
        "compass",
        "#2f6f4f",
        "public",
        "Routes, packs, boots and everything between the trailheads.",
        20,
        0.35,
    ),
    SpaceDefinition(
        "Product Questions",
        "product-questions",
        "question-circle",
        "#3a5a98",
        "public",
        "Ask about sizing, materials and which product fits.",
        17,
        0.85,
    ),
    SpaceDefinition(
        "Trail Running",
        "trail-running",
        "lightning",
        "#c2762b",
        "public",
        "Shoes, vests, races and training on rough ground.",
        15,
        0.3,
    ),
    SpaceDefinition(
        "Camping Gear",
        "camping",
        "tree",
        "#4d7a3a",
        "public",
        "Tents, sleeping systems, stoves and camp kitchens.",
        13,
        0.4,
    ),
    SpaceDefinition(
        "Climbing",
        "climbing",
        "triangle",
        "#7a4d8c",
        "public",
        "Crags, ropes, harnesses and approach shoes.",
        8,
        0.3,
    ),
    SpaceDefinition(
        "Trip Reports",
        "trip-reports",
        "map",
        "#2b7a78",
        "public",
        "Where you went, what you carried and what you would change.",
        7,
        0.05,
    ),
    SpaceDefinition(
        "Repairs & Care",
        "repairs",
        "tools",
        "#6b6b6b",
        "public",
        "Keep gear going: washing, reproofing, patching, resoling.",
        5,
        0.6,
    ),
    SpaceDefinition(
        "Bikepacking",
        "bikepacking",
        "bicycle",
        "#8c6d1f",
        "public",
        "Frame bags, routes and multi-day rides.",
        4,
        0.3,
    ),
    SpaceDefinition(
        "Ambassadors Lounge",
        "ambassadors",
        "star",
        "#a33b6e",
        "members",
        "For signed-in members: ambassador programme and meetups.",
        3,
        0.2,
    ),
    SpaceDefinition(
        "Beta Testers",
        "beta",
        "flask",
        "#3b7ea3",
        "members",
        "Prototypes and field tests before launch.",
        2,
        0.3,
    ),
    SpaceDefinition(
        "Summit Club",
        "summit-club",
        "gem",
        "#5a3ba3",
        "gated",
        "Owners of a Summit series jacket or pack.",
        2.5,
        0.25,
        gate_description="Unlocked by buying any Summit series product.",
    ),
)

TAGS = (
    "tents sleeping-bags backpacks boots jackets rain-gear insulation stoves water-filters "
    "navigation gps headlamps trekking-poles socks base-layers sizing warranty repairs "
    "ultralight winter alpine desert dolomites alps scotland norway patagonia iceland "
    "beginner family dogs budget sustainability wool down synthetic gore-tex resoling "
    "washing packing-list first-aid photography trail-races ultras via-ferrata bouldering "
    "sport-climbing bikepacking-routes gravel meetups events"
).split()

PRODUCTS = (
    "Ridge 40 pack",
    "Ridge 28 pack",
    "Summit shell",
    "Summit down hoodie",
    "Cirrus tent",
    "Cirrus 2 tent",
    "Talus boots",
    "Talus mid boots",
    "Scree trail shoes",
    "Vento wind jacket",
    "Lumen headlamp",
    "Drift sleeping bag",
    "Drift quilt",
    "Ember stove",
    "Glacier gloves",
    "Moraine trousers",
    "Cairn poles",
    "Fjord rain jacket",
    "Trailhead socks",
    "Basecamp duffel",
)
PLACES = (
    "the Dolomites",
    "the Alps",
    "Scotland",
    "the Lake District",
    "Norway",
    "Iceland",
    "Patagonia",
    "the Pyrenees",
    "the Tatras",
    "Gauja valley",
    "the Rockies",
    "Yosemite",
    "Hokkaido",
    "the Highlands",
    "Sardinia",
    "Corsica",
    "the Julian Alps",
    "Lapland",
)
ADJECTIVES = (
    "light warm waterproof breathable durable comfortable stiff soft roomy packable noisy "
    "sturdy fragile cheap pricey reliable sweaty quick-drying heavy compact stretchy"
).split()
VERBS = (
    "carried wore tested packed used washed repaired returned swapped recommend love tried "
    "compared resoled reproofed lost found upgraded"
).split()
NOUNS = (
    "zip seam hood hipbelt strap buckle sole lace footbed pole tip fly groundsheet pole "
    "sleeve baffle collar cuff pocket vent mesh frame lid bottle stove pot lighter liner"
).split()
FILLER = (
    "I think the fit runs a bit small so size up if you wear thick socks",
    "after three seasons it still looks new apart from some scuffs",
    "the customer service swapped it within a week which was great",
    "on long descents it kept my feet dry even in wet grass",
    "it packs down smaller than I expected and fits in the lid",
    "the colour faded a little after a summer in the sun",
    "for the price I have not found anything better",
    "I would like a version with more pockets",
    "we had rain for four days and nothing got wet inside",
    "the weight is fine for day hikes but I notice it on longer trips",
    "it was cold at night so I added a liner",
    "the instructions could be clearer but it works",
    "my partner has the older model and prefers it",
    "wash it on a cold cycle and reproof once a year",
    "check the size chart because the sleeves are long",
    "I bought it in the spring sale and have used it every weekend since",
)

QUESTION_TITLES = (
    "Which size {product} for {place}?",
    "Is the {product} {adjective} enough for {place}?",
    "How do you wash the {product}?",
    "{product} vs {product2} for a first trip?",
    "Has anyone taken the {product} to {place}?",
    "Best way to fix a broken {noun} on the {product}?",
    "Does the {product} run small?",
    "Warranty question: {noun} on my {product}",
)
DISCUSSION_TITLES = (
    "Three weeks in {place} with the {product}",
    "My {adjective} setup for {place}",
    "Long-term review: {product}",
    "Photos from {place}",
    "What I would change about the {product}",
    "Packing list for {place} in autumn",
    "The {product} after {number} km",
    "Favourite trails near {place}",
)
ANNOUNCEMENT_TITLES = (
    "Introducing the new {product}",
    "Community meetup in {place}",
    "Repair week: bring your {product}",
    "Changes to our warranty for the {product}",
    "Summer sale for members",
)


def _sentence(rng: random.Random) -> str:
    shape = rng.random()
    if shape < 0.35:
        text = rng.choice(FILLER)
    elif shape < 0.6:
        text = (
            f"I {rng.choice(VERBS)} the {rng.choice(PRODUCTS)} in {rng.choice(PLACES)} "
            f"and the {rng.choice(NOUNS)} was {rng.choice(ADJECTIVES)}"
        )
    elif shape < 0.8:
        text = (
            f"the {rng.choice(NOUNS)} on the {rng.choice(PRODUCTS)} feels "
            f"{rng.choice(ADJECTIVES)} compared to the {rng.choice(PRODUCTS)}"
        )
    else:
        text = f"has anyone {rng.choice(VERBS)} it in {rng.choice(PLACES)}"
        return text[0].upper() + text[1:] + "?"
    return text[0].upper() + text[1:] + "."


def topic_title(rng: random.Random, *, kind: str) -> str:
    templates = {"question": QUESTION_TITLES, "announcement": ANNOUNCEMENT_TITLES}.get(
        kind, DISCUSSION_TITLES
    )
    product, product2 = rng.sample(PRODUCTS, 2)
    return rng.choice(templates).format(
        product=product,
        product2=product2,
        place=rng.choice(PLACES),
        adjective=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        number=rng.choice((200, 500, 800, 1200, 2000)),
    )


@dataclass(frozen=True)
class BodyTemplate:
    body: str
    mentioned_handles: tuple[str, ...]


def post_body(rng: random.Random, *, opening: bool, famous_handles: list[str]) -> BodyTemplate:
    """Markdown like members write it: paragraphs, now and then a list, a quote, a link or
    an @mention. Opening posts are longer than replies (about 500 and 250 bytes)."""
    mentioned: list[str] = []
    paragraphs = [
        " ".join(_sentence(rng) for _s in range(rng.randint(1, 3)))
        for _paragraph in range(rng.randint(2, 4) if opening else rng.randint(1, 3))
    ]
    roll = rng.random()
    if roll < 0.12:
        items = rng.sample(PRODUCTS, 3)
        paragraphs.append("\n".join(f"- **{item}**: {rng.choice(ADJECTIVES)}" for item in items))
    elif roll < 0.2:
        paragraphs.insert(0, "> " + _sentence(rng))
    elif roll < 0.26:
        paragraphs.append(f"More photos here: https://photos.example.com/{rng.randint(100, 999)}")
    if famous_handles and rng.random() < 0.1:
        handle = rng.choice(famous_handles)
        mentioned.append(handle)
        paragraphs.append(f"@{handle} what do you think?")
    return BodyTemplate(body="\n\n".join(paragraphs), mentioned_handles=tuple(mentioned))
