"""Who lives in the demo community: staff accounts, name pools and bios per language."""

DEMO_PASSWORD = "flywheel-demo"  # noqa: S105 - a published demo login, not a secret

LANGUAGES = ["en", "it", "lv", "pl", "zh-hans"]

# Share of generated members per language (English-speaking majority, four strong minorities).
LANGUAGE_WEIGHTS = {"en": 45, "it": 15, "lv": 12, "pl": 15, "zh-hans": 13}

TIME_ZONES = {
    "en": [
        ("Europe/London", 35), ("America/New_York", 14), ("America/Denver", 9),
        ("America/Los_Angeles", 12), ("America/Toronto", 8), ("America/Vancouver", 5),
        ("Europe/Dublin", 6), ("Australia/Sydney", 6), ("Pacific/Auckland", 5),
    ],
    "it": [("Europe/Rome", 1)],
    "lv": [("Europe/Riga", 1)],
    "pl": [("Europe/Warsaw", 1)],
    "zh-hans": [("Asia/Shanghai", 1)],
}

# The brand team and a few named regulars; the Makefile prints the first and last logins.
STAFF = [
    {
        "email": "manager@northtrail.example", "handle": "maya", "display_name": "Maya Lindqvist",
        "role": "owner", "language": "en", "timezone": "Europe/London", "superuser": True,
        "bio": "Community lead at Northtrail Outfitters. Ex-mountain leader, now happiest on "
        "long Scottish ridges with a flask of coffee. Ask me anything about the shop or the "
        "repair programme.",
    },
    {
        "email": "tomasz@northtrail.example", "handle": "tomasz_wrobel",
        "display_name": "Tomasz Wróbel", "role": "moderator", "language": "pl",
        "timezone": "Europe/Warsaw",
        "bio": "Moderator i przewodnik tatrzański. Zimą skitury, latem wspinaczka na Jurze. "
        "Pomagam w sprawach sprzętu i reklamacji.",
    },
    {
        "email": "elena@northtrail.example", "handle": "elena_marchetti",
        "display_name": "Elena Marchetti", "role": "moderator", "language": "it",
        "timezone": "Europe/Rome",
        "bio": "Moderatrice della community, guida escursionistica in Trentino. Vie ferrate, "
        "rifugi e tanta polenta. Scrivetemi per domande su ordini e resi.",
    },
    {
        "email": "ruta@northtrail.example", "handle": "ruta_kalnina",
        "display_name": "Rūta Kalniņa", "role": "ambassador", "language": "lv",
        "timezone": "Europe/Riga", "moderates": "camping-bivouac",
        "bio": "Northtrail vēstniece. Guļu teltī visos gadalaikos, visbiežāk Gaujas senlejā. "
        "Mīlu ugunskura kafiju un garus pārgājienus pa Jūrtaku.",
    },
    {
        "email": "sam@northtrail.example", "handle": "sam_okafor", "display_name": "Sam Okafor",
        "role": "ambassador", "language": "en", "timezone": "America/Denver",
        "moderates": "trail-running",
        "bio": "Northtrail ambassador and ultrarunner based in Boulder. 100-milers, "
        "fastpacking and far too many gels. Happy to talk shoes, vests and fuelling.",
    },
    {
        "email": "xiaodong@northtrail.example", "handle": "lin_xiaodong",
        "display_name": "林晓东", "role": "ambassador", "language": "zh-hans",
        "timezone": "Asia/Shanghai", "moderates": "hiking-trekking",
        "bio": "Northtrail 品牌大使，徒步领队。走过虎跳峡、四姑娘山和箭扣长城，"
        "喜欢分享轻量化装备经验。",
    },
    {
        "email": "giulia@northtrail.example", "handle": "giulia", "display_name": "Giulia Rossi",
        "role": "member", "language": "it", "timezone": "Europe/Rome",
        "bio": "Escursionista da Bolzano, amo le Dolomiti all'alba e i bivacchi in quota. "
        "Sto imparando ad arrampicare e a riparare da sola la mia attrezzatura.",
    },
]

FIRST_NAMES = {
    "en": {
        "m": ["James", "Oliver", "Harry", "Jack", "George", "Noah", "Ethan", "Liam", "Mason",
              "Lucas", "Ben", "Sam", "Tom", "Daniel", "Ryan", "Owen", "Callum", "Finn",
              "Carlos", "Jamal", "Kwame", "Rory", "Aidan", "Marcus"],
        "f": ["Emily", "Olivia", "Amelia", "Isla", "Ava", "Sophie", "Grace", "Chloe", "Hannah",
              "Megan", "Lucy", "Ella", "Charlotte", "Abigail", "Zoe", "Rachel", "Priya",
              "Aisha", "Sofia", "Nadia", "Freya", "Niamh", "Jess", "Maddie"],
    },
    "it": {
        "m": ["Marco", "Luca", "Alessandro", "Matteo", "Lorenzo", "Andrea", "Francesco",
              "Davide", "Simone", "Federico", "Stefano", "Paolo", "Giorgio", "Riccardo",
              "Tommaso", "Nicola"],
        "f": ["Chiara", "Francesca", "Sara", "Martina", "Valentina", "Alessia", "Federica",
              "Silvia", "Anna", "Laura", "Elisa", "Marta", "Beatrice", "Ilaria", "Serena"],
    },
    "lv": {
        "m": ["Jānis", "Andris", "Mārtiņš", "Kārlis", "Edgars", "Raivis", "Artūrs", "Roberts",
              "Toms", "Dāvis", "Gints", "Ivars", "Kristaps", "Uldis", "Rihards"],
        "f": ["Anna", "Līga", "Ilze", "Kristīne", "Inese", "Laura", "Elīna", "Marta", "Zane",
              "Dace", "Agnese", "Evija", "Santa", "Baiba", "Sanita"],
    },
    "pl": {
        "m": ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Michał", "Marcin", "Jakub", "Kamil",
              "Łukasz", "Bartosz", "Mateusz", "Wojciech", "Adam", "Grzegorz", "Szymon"],
        "f": ["Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna", "Aleksandra", "Monika",
              "Ewa", "Zofia", "Karolina", "Natalia", "Marta", "Julia", "Weronika", "Agata"],
    },
}

# Surnames as (masculine, feminine): Latvian and Polish surnames agree with the person.
SURNAMES = {
    "en": [(name, name) for name in [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
        "Hall", "Wood", "Jackson", "Clarke", "Patel", "Hughes", "Edwards", "Turner", "Murphy",
        "Campbell", "Stewart", "Anderson", "Mitchell", "Carter", "Reyes", "Nguyen", "Okafor",
        "Fraser", "MacLeod", "Harper", "Brooks", "Foster", "Bennett", "Sullivan",
    ]],
    "it": [(name, name) for name in [
        "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
        "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
        "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Rinaldi", "Zanella",
        "Pellegrini", "Vitali", "Fabbri", "Dallapiccola",
    ]],
    "lv": [
        ("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"),
        ("Jansons", "Jansone"), ("Ozols", "Ozola"), ("Liepiņš", "Liepiņa"),
        ("Krūmiņš", "Krūmiņa"), ("Balodis", "Balode"), ("Zariņš", "Zariņa"),
        ("Kļaviņš", "Kļaviņa"), ("Vītols", "Vītola"), ("Lācis", "Lāce"),
        ("Zeltiņš", "Zeltiņa"), ("Pētersons", "Pētersone"), ("Eglītis", "Eglīte"),
        ("Vanags", "Vanaga"), ("Siliņš", "Siliņa"), ("Grīnbergs", "Grīnberga"),
    ],
    "pl": [
        ("Kowalski", "Kowalska"), ("Nowak", "Nowak"), ("Wiśniewski", "Wiśniewska"),
        ("Wójcik", "Wójcik"), ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"),
        ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
        ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
        ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"),
        ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"),
        ("Pawlak", "Pawlak"), ("Michalski", "Michalska"), ("Król", "Król"),
    ],
}

# Chinese names as (characters, pinyin); display names are usually in characters.
CHINESE_SURNAMES = [
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
    ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
    ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"),
    ("何", "he"), ("林", "lin"), ("罗", "luo"), ("高", "gao"),
]
CHINESE_GIVEN_NAMES = [
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"),
    ("洋", "yang"), ("勇", "yong"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("婷", "ting"), ("浩然", "haoran"), ("子涵", "zihan"),
    ("雨桐", "yutong"), ("思远", "siyuan"), ("嘉怡", "jiayi"), ("晓燕", "xiaoyan"),
    ("建华", "jianhua"), ("欣怡", "xinyi"), ("宇航", "yuhang"), ("梓萱", "zixuan"),
    ("一鸣", "yiming"), ("晨曦", "chenxi"),
]

EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]

# Bios: one line about what they do, one about where, sometimes a personal touch.
BIO_ACTIVITIES = {
    "en": [
        "Weekend hiker turned multi-day trekker.",
        "Boulderer by winter, trad climber by summer.",
        "Trail runner chasing my first 50k.",
        "Wild camper and hammock convert.",
        "Gravel cyclist who keeps getting lured onto footpaths.",
        "Dad of two, slowly turning the kids into hill walkers.",
        "Fell runner, map nerd and tea drinker.",
        "Bikepacking, fastpacking, anything-packing.",
        "Climbing wall regular trying to get out on real rock more.",
        "Mountain photographer; I carry too many lenses.",
    ],
    "it": [
        "Escursionista della domenica diventata trekker.",
        "Arrampicatore in falesia, sogno le grandi pareti.",
        "Corro in montagna da cinque anni, prossimo obiettivo un ultra.",
        "Campeggio libero e bivacchi in quota, appena posso.",
        "Ciclista gravel con la passione per i rifugi.",
        "Papà di due piccoli escursionisti.",
        "Alpinista lento, fotografo curioso.",
    ],
    "lv": [
        "Pārgājienu cienītāja, katru nedēļas nogali mežā.",
        "Kāpju boulderinga zālē un sapņoju par Alpiem.",
        "Taku skrējējs, gatavojos savam pirmajam ultramaratonam.",
        "Teltī guļu arī ziemā, mīlu klusumu pie ezera.",
        "Braucu ar velosipēdu pa grants ceļiem un meža takām.",
        "Tētis, kurš bērnus velk līdzi uz purvu laipām.",
    ],
    "pl": [
        "Chodzę po górach od dziecka, najchętniej szlakami bez tłumów.",
        "Wspinam się na Jurze i marzę o Dolomitach.",
        "Biegam po górach, szykuję się do pierwszego ultra.",
        "Biwakowanie pod gołym niebem to moja terapia.",
        "Rowerem po szutrach, z namiotem w sakwach.",
        "Mama dwójki małych turystów, uczymy się gór razem.",
    ],
    "zh-hans": [
        "周末徒步爱好者，慢慢开始走多日线路。",
        "室内抱石练了三年，今年开始户外攀岩。",
        "越野跑新手，目标是第一场五十公里。",
        "喜欢露营和看星星，装备越带越轻。",
        "骑行爱好者，偶尔也背包徒步。",
        "带着孩子一起爬山的爸爸。",
    ],
}
BIO_PLACES = {
    "en": ["Happiest {in_place}.", "Planning a big trip {in_place} next year.",
           "Most weekends you'll find me {in_place}.", "Still dreaming about a week {in_place}."],
    "it": ["Il mio posto del cuore: {in_place}.", "Il prossimo anno un viaggio {in_place}.",
           "Quasi ogni weekend {in_place}."],
    "lv": ["Mīļākā vieta: {in_place}.", "Nākamgad plānoju ceļojumu {in_place}.",
           "Brīvdienās mani var satikt {in_place}."],
    "pl": ["Najlepiej czuję się {in_place}.", "W przyszłym roku planuję wyjazd {in_place}.",
           "Prawie każdy weekend spędzam {in_place}."],
    "zh-hans": ["最喜欢的地方是{place}。", "明年计划去{place}。", "周末常去{place}。"],
}
BIO_EXTRAS = {
    "en": ["Always up for swapping gear tips.", "Leave no trace, always.",
           "Slow coffee at the summit is the whole point.", ""],
    "it": ["Sempre felice di scambiare consigli.", "Non lasciare traccia!", ""],
    "lv": ["Vienmēr priecājos dalīties ar padomiem.", "Neatstāj pēdas!", ""],
    "pl": ["Chętnie wymienię się radami sprzętowymi.", "Nie zostawiaj śladów!", ""],
    "zh-hans": ["欢迎交流装备心得。", "无痕山林，从我做起。", ""],
}
