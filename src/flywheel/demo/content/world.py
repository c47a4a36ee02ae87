"""The demo's world: the brand's spaces, products, places and months, in every language.

Places are written as the phrase a sentence needs ("in the Tatras", "w Tatrach", "Tatros"),
so templates never have to inflect a name; Chinese templates add 在/去 themselves.
"""

BRAND_NAME = "Northtrail Outfitters"
SITE_DOMAIN = "127.0.0.1:8000"
SITE_NAME = "Northtrail Community"

SPACES = [
    {
        "slug": "announcements", "name": "Announcements", "icon": "megaphone",
        "color": "#b5472b", "visibility": "public", "weight": 5,
        "description": "News from the Northtrail team: launches, events, repair days and "
        "community updates.",
    },
    {
        "slug": "hiking-trekking", "name": "Hiking & Trekking", "icon": "signpost-split",
        "color": "#2f6f4f", "visibility": "public", "weight": 22, "activity": "hike",
        "description": "Day hikes, hut-to-hut treks and long trails: routes, conditions, "
        "boots and blisters.",
    },
    {
        "slug": "climbing", "name": "Climbing", "icon": "triangle", "color": "#7a4b94",
        "visibility": "public", "weight": 15, "activity": "climb",
        "description": "Sport, trad, bouldering and via ferrata: crags, ropes, racks and "
        "training.",
    },
    {
        "slug": "trail-running", "name": "Trail Running", "icon": "lightning-charge",
        "color": "#d9822b", "visibility": "public", "weight": 14, "activity": "run",
        "description": "From first trail 10k to mountain ultras: shoes, vests, fuelling and "
        "race reports.",
    },
    {
        "slug": "camping-bivouac", "name": "Camping & Bivouac", "icon": "moon-stars",
        "color": "#1f5f8b", "visibility": "public", "weight": 14, "activity": "camp",
        "description": "Tents, tarps, hammocks and stoves: sleeping well anywhere from "
        "campsites to summit bivvies.",
    },
    {
        "slug": "gear-care-repair", "name": "Gear Care & Repair", "icon": "tools",
        "color": "#5c6b73", "visibility": "public", "weight": 13, "activity": "any",
        "description": "Wash, reproof, patch and resole: make your kit last longer, with help "
        "from the Northtrail repair team.",
    },
    {
        "slug": "members-lounge", "name": "Members' Lounge", "icon": "cup-hot",
        "color": "#8a6d3b", "visibility": "members", "weight": 12, "activity": "any",
        "description": "For signed-in members: trip photos, introductions, meet-ups and "
        "everything off-topic.",
    },
    {
        "slug": "summit-club", "name": "Summit Club", "icon": "gem", "color": "#c9a227",
        "visibility": "gated", "weight": 5, "activity": "alpine",
        "gate_description": "Unlocked by buying any Summit Series jacket.",
        "description": "For Summit Series owners: early product previews, alpine trip "
        "planning and a direct line to our designers.",
    },
]

# Our own product line; names stay in English in every language, as on the labels.
PRODUCTS = [
    "Summit Series Alpine Shell", "Ridgeline 45 backpack", "Driftwood 2P tent",
    "Talus trail shoes", "Ember down jacket", "Cirrus -5° sleeping bag",
    "Kestrel trekking poles", "Basecamp merino base layer", "Granite approach shoes",
    "Lumen 400 headlamp", "Stratus rain trousers", "Vireo running vest",
]

# Each place: the phrases for "in/at <place>" per language, a tag, and the activities it suits.
PLACES = [
    {"tag": "dolomites", "for": {"hike", "climb", "run", "camp", "alpine"},
     "en": "in the Dolomites", "it": "nelle Dolomiti", "lv": "Dolomītos",
     "pl": "w Dolomitach", "zh-hans": "多洛米蒂山"},
    {"tag": "tatras", "for": {"hike", "climb", "run", "alpine"},
     "en": "in the Tatras", "it": "sui Tatra", "lv": "Tatros", "pl": "w Tatrach",
     "zh-hans": "塔特拉山"},
    {"tag": "gauja", "for": {"hike", "run", "camp"},
     "en": "in the Gauja valley", "it": "nella valle del Gauja", "lv": "Gaujas senlejā",
     "pl": "w dolinie Gauji", "zh-hans": "高亚河谷"},
    {"tag": "huangshan", "for": {"hike"},
     "en": "on Huangshan", "it": "sullo Huangshan", "lv": "Huangšaņas kalnos",
     "pl": "w górach Huangshan", "zh-hans": "黄山"},
    {"tag": "lake-district", "for": {"hike", "run", "camp", "climb"},
     "en": "in the Lake District", "it": "nel Lake District", "lv": "Ezeru apgabalā Anglijā",
     "pl": "w Krainie Jezior", "zh-hans": "英国湖区"},
    {"tag": "scottish-highlands", "for": {"hike", "camp", "alpine"},
     "en": "in the Scottish Highlands", "it": "nelle Highlands scozzesi",
     "lv": "Skotijas augstienē", "pl": "w szkockich Highlands", "zh-hans": "苏格兰高地"},
    {"tag": "kemeri", "for": {"hike", "run"},
     "en": "at Ķemeri bog", "it": "nella torbiera di Ķemeri", "lv": "Ķemeru tīrelī",
     "pl": "na torfowisku Ķemeri", "zh-hans": "凯梅里沼泽"},
    {"tag": "bieszczady", "for": {"hike", "camp", "run"},
     "en": "in the Bieszczady", "it": "nei Bieszczady", "lv": "Bieščadu kalnos",
     "pl": "w Bieszczadach", "zh-hans": "别什恰迪山"},
    {"tag": "gran-paradiso", "for": {"hike", "alpine", "climb"},
     "en": "around Gran Paradiso", "it": "sul Gran Paradiso", "lv": "Gran Paradiso masīvā",
     "pl": "w masywie Gran Paradiso", "zh-hans": "大帕拉迪索"},
    {"tag": "yosemite", "for": {"climb", "hike", "camp"},
     "en": "in Yosemite", "it": "a Yosemite", "lv": "Josemitā", "pl": "w Yosemite",
     "zh-hans": "优胜美地"},
    {"tag": "peak-district", "for": {"climb", "run", "hike"},
     "en": "in the Peak District", "it": "nel Peak District", "lv": "Pīka apgabalā Anglijā",
     "pl": "w Peak District", "zh-hans": "英国峰区"},
    {"tag": "yangshuo", "for": {"climb"},
     "en": "in Yangshuo", "it": "a Yangshuo", "lv": "Jangšuo", "pl": "w Yangshuo",
     "zh-hans": "阳朔"},
    {"tag": "tiger-leaping-gorge", "for": {"hike", "camp"},
     "en": "on the Tiger Leaping Gorge trail", "it": "sulla Gola del Salto della Tigre",
     "lv": "Tīģera lēciena aizā", "pl": "w Wąwozie Skaczącego Tygrysa", "zh-hans": "虎跳峡"},
    {"tag": "jura", "for": {"climb"},
     "en": "on the Polish Jura", "it": "nel Giura polacco", "lv": "Polijas Jurā",
     "pl": "na Jurze", "zh-hans": "波兰侏罗山地"},
    {"tag": "arco", "for": {"climb"},
     "en": "at Arco", "it": "ad Arco", "lv": "Arko", "pl": "w Arco", "zh-hans": "意大利阿尔科"},
    {"tag": "jurtaka", "for": {"hike", "camp", "run"},
     "en": "on the Latvian coastal trail", "it": "sul sentiero costiero lettone",
     "lv": "Jūrtakā", "pl": "na łotewskim szlaku nadmorskim", "zh-hans": "拉脱维亚海岸步道"},
    {"tag": "snowdonia", "for": {"hike", "climb", "run", "alpine"},
     "en": "in Snowdonia", "it": "in Snowdonia", "lv": "Snoudonijā", "pl": "w Snowdonii",
     "zh-hans": "斯诺登尼亚"},
    {"tag": "mont-blanc", "for": {"hike", "run", "climb", "alpine"},
     "en": "around Mont Blanc", "it": "intorno al Monte Bianco", "lv": "ap Monblānu",
     "pl": "wokół Mont Blanc", "zh-hans": "勃朗峰"},
    {"tag": "karkonosze", "for": {"hike", "run", "camp"},
     "en": "in the Karkonosze", "it": "sui Monti dei Giganti", "lv": "Krkonošu kalnos",
     "pl": "w Karkonoszach", "zh-hans": "巨人山"},
    {"tag": "siguniang", "for": {"hike", "alpine", "camp"},
     "en": "around Siguniang Shan", "it": "sul Siguniang", "lv": "Sigunjanas kalnos",
     "pl": "pod Siguniang", "zh-hans": "四姑娘山"},
    {"tag": "great-wall", "for": {"hike", "run"},
     "en": "on the wild Great Wall at Jiankou", "it": "sulla Grande Muraglia a Jiankou",
     "lv": "uz Lielā mūra pie Dzjankou", "pl": "na dzikim Wielkim Murze w Jiankou",
     "zh-hans": "箭扣长城"},
    {"tag": "colorado", "for": {"hike", "climb", "run", "camp", "alpine"},
     "en": "in the Colorado Rockies", "it": "sulle Montagne Rocciose",
     "lv": "Kolorādo Klinšu kalnos", "pl": "w Górach Skalistych", "zh-hans": "科罗拉多落基山"},
]

# "in <month>" per language, for the hiking season and a little winter.
MONTHS = [
    {"en": "in May", "it": "a maggio", "lv": "maijā", "pl": "w maju", "zh-hans": "五月"},
    {"en": "in June", "it": "a giugno", "lv": "jūnijā", "pl": "w czerwcu", "zh-hans": "六月"},
    {"en": "in July", "it": "a luglio", "lv": "jūlijā", "pl": "w lipcu", "zh-hans": "七月"},
    {"en": "in August", "it": "ad agosto", "lv": "augustā", "pl": "w sierpniu",
     "zh-hans": "八月"},
    {"en": "in September", "it": "a settembre", "lv": "septembrī", "pl": "we wrześniu",
     "zh-hans": "九月"},
    {"en": "in October", "it": "a ottobre", "lv": "oktobrī", "pl": "w październiku",
     "zh-hans": "十月"},
    {"en": "in February", "it": "a febbraio", "lv": "februārī", "pl": "w lutym",
     "zh-hans": "二月"},
]
