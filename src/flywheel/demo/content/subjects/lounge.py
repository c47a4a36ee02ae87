"""Members' Lounge (members only) and Summit Club (gated to Summit Series owners)."""

LOUNGE_SUBJECTS = [
    {
        "key": "introductions",
        "kind": "discussion",
        "tags": ["introductions"],
        "en": {
            "titles": [
                "Hello from a new member who mostly hikes {in_place}",
                "New here: weekend walker from near {in_place}",
                "Hi all, just joined after my trip {in_place}",
            ],
            "bodies": [
                "Found this place after buying a {gear}. I mostly do day hikes and "
                "the odd overnighter, hoping to pick up tips and maybe find people "
                "to walk with. Say hi!"
            ],
            "replies": [
                "Welcome aboard!",
                "Welcome! You'll like it here.",
                "Hello and welcome. The Hiking space is a good place to start.",
                "Welcome! Post some photos when you're next out.",
            ],
        },
        "it": {
            "titles": ["Ciao da un nuovo membro che cammina {in_place}"],
            "bodies": [
                "Vi ho trovati dopo aver comprato un {gear}. Faccio soprattutto "
                "escursioni giornaliere. Ciao a tutti!"
            ],
            "replies": ["Benvenuto!", "Ciao e benvenuto, ci vediamo sui sentieri!"],
        },
        "lv": {
            "titles": ["Sveiki no jauna biedra, kurš staigā {in_place}"],
            "bodies": [
                "Atradu šo kopienu pēc tam, kad nopirku {gear}. Parasti eju dienas "
                "pārgājienos. Sveiki visiem!"
            ],
            "replies": ["Laipni lūgts!", "Sveiks un laipni lūgts!"],
        },
        "pl": {
            "titles": ["Cześć od nowej osoby, która chodzi {in_place}"],
            "bodies": [
                "Trafiłem tu po zakupie {gear}. Chodzę głównie na jednodniowe "
                "wycieczki. Cześć wszystkim!"
            ],
            "replies": ["Witaj!", "Cześć i witamy na pokładzie!"],
        },
        "zh-hans": {
            "titles": ["大家好，我是新人，常去{place}徒步"],
            "bodies": ["买了{gear}之后发现了这个社区。平时主要走一日线，希望认识更多山友！"],
            "replies": ["欢迎！", "欢迎加入，常来分享照片！"],
        },
    },
    {
        "key": "photo-thread",
        "kind": "discussion",
        "tags": ["photos"],
        "en": {
            "titles": [
                "Show us your best photo from {in_place}",
                "Photo thread: golden hour {in_place}",
            ],
            "bodies": [
                "Let's fill this thread with views. Mine is from sunrise {in_place} "
                "{month}: cold fingers, worth every second."
            ],
            "replies": [
                "Stunning. What camera?",
                "That light! Saving this as my wallpaper.",
                "Phone photo, believe it or not. The mountains did the work.",
                "Adding mine: fog inversion at 6 am, totally unplanned.",
            ],
        },
        "it": {
            "titles": ["La vostra foto più bella {in_place}"],
            "bodies": ["Riempiamo il thread di panorami! La mia è dell'alba {in_place}."],
            "replies": ["Spettacolare!", "Che luce! Con che macchina?"],
        },
        "zh-hans": {
            "titles": ["晒晒你在{place}拍的最美照片"],
            "bodies": ["来晒图吧！我这张是{month}在{place}的日出，手都冻僵了，但值得。"],
            "replies": ["太美了！用什么相机拍的？", "这光线绝了！"],
        },
    },
    {
        "key": "meetup",
        "kind": "discussion",
        "tags": ["meetup"],
        "en": {
            "titles": [
                "Anyone up for a meet-up {in_place} {month}?",
                "Community walk {in_place}: who's in?",
            ],
            "bodies": [
                "Thinking of an easy day walk {in_place} {month}, pub or café "
                "after. All paces welcome. Reply if you're interested and we'll "
                "pick a date."
            ],
            "replies": [
                "I'm in!",
                "Count me in if it's a weekend.",
                "Can't make {month} but would love a later one.",
                "Bringing my dog if that's okay?",
            ],
        },
        "lv": {
            "titles": ["Kopīgs pārgājiens {in_place} {month}?"],
            "bodies": [
                "Domāju par vieglu dienas pārgājienu {in_place} {month}, pēc tam kafija. "
                "Visi laipni aicināti!"
            ],
            "replies": ["Es piedalos!", "Ja brīvdienās, tad noteikti."],
        },
        "pl": {
            "titles": ["Spotkanie społeczności {in_place} {month}?"],
            "bodies": [
                "Myślę o łatwej wycieczce {in_place} {month}, potem kawa. Każde tempo "
                "mile widziane!"
            ],
            "replies": ["Wchodzę w to!", "Jeśli w weekend, to jestem."],
        },
        "it": {
            "titles": ["Ci troviamo {in_place} {month}?"],
            "bodies": [
                "Pensavo a un giro facile {in_place} {month}, poi birra in rifugio. "
                "Tutti benvenuti!"
            ],
            "replies": ["Ci sono!", "Se è nel weekend vengo volentieri."],
        },
    },
    {
        "key": "books-films",
        "kind": "discussion",
        "tags": ["books"],
        "en": {
            "titles": [
                "Best mountain books for dark evenings?",
                "Outdoor films worth watching this winter?",
            ],
            "bodies": [
                "Nights are drawing in. What are you reading or watching to keep the "
                "mountain spirit alive?"
            ],
            "replies": [
                "*The Living Mountain* by Nan Shepherd. Short, and you'll read it twice.",
                "*Touching the Void*, obviously.",
                "*Free Solo* if you enjoy sweaty palms on the sofa.",
                "*The Ascent of Rum Doodle* for a laugh.",
            ],
        },
        "pl": {
            "titles": ["Najlepsze książki górskie na długie wieczory?"],
            "bodies": ["Wieczory coraz dłuższe. Co czytacie o górach?"],
            "replies": [
                "„Kurtyka. Sztuka wolności” — obowiązkowo.",
                "Wszystko o Wandzie Rutkiewicz.",
            ],
        },
    },
]

SUMMIT_SUBJECTS = [
    {
        "key": "shell-feedback",
        "kind": "discussion",
        "tags": ["summit-series", "feedback"],
        "gear": ["Summit Series Alpine Shell"],
        "en": {
            "titles": [
                "Summit Series shell after a season {in_place}: feedback thread",
                "What would you change on the next Alpine Shell?",
            ],
            "bodies": [
                "Our designers read this space. After a season {in_place}, what "
                "works and what would you change on the {gear}? Hood, pockets, "
                "pit zips, weight: be brutal."
            ],
            "replies": [
                "Hood fits over a helmet perfectly. Please don't change it.",
                "Chest pockets sit just above a harness, love that. The pit zips "
                "are hard to reach with gloves though.",
                "Would pay 50 g more for a slightly longer back.",
                "Cuffs wear fast on rock. A tougher fabric there would help.",
            ],
        },
        "it": {
            "titles": ["Giacca Summit Series dopo una stagione {in_place}"],
            "bodies": ["Dopo una stagione {in_place}: cosa cambiereste nel {gear}?"],
            "replies": [
                "Il cappuccio sul casco è perfetto, non toccatelo!",
                "Le zip sotto le ascelle sono difficili con i guanti.",
            ],
        },
        "pl": {
            "titles": ["Kurtka Summit Series po sezonie {in_place}"],
            "bodies": ["Po sezonie {in_place}: co byście zmienili w {gear}?"],
            "replies": [
                "Kaptur na kask idealny, nie zmieniajcie!",
                "Mankiety szybko się przecierają na skale.",
            ],
        },
    },
    {
        "key": "alpine-plan",
        "kind": "question",
        "tags": ["alpine", "mountaineering"],
        "en": {
            "titles": [
                "First 4,000 m peak {in_place} {month}: guided or not?",
                "Acclimatisation plan for a big objective {in_place}",
            ],
            "bodies": [
                "Solid on scrambles and glacier-walking courses done. Is it "
                "reasonable to go unguided {in_place} {month}, or is a guide the "
                "smart first time?"
            ],
            "replies": [
                "Take a guide the first time. You'll learn the route, the glacier and the "
                "timing, and come back unguided next year with real confidence.",
                "Two nights high before the summit push. Sleeping at a hut around 3,000 m "
                "made the difference for us.",
                "Check the conditions report from the hut warden, not just the forecast. "
                "Bridges over crevasses change week to week {month}.",
            ],
        },
        "it": {
            "titles": ["Primo 4000 {in_place}: con guida o no?"],
            "bodies": [
                "Ho fatto il corso di ghiacciaio. Posso andare senza guida {in_place} {month}?"
            ],
            "replies": [
                "La prima volta con una guida: impari percorso e tempi.",
                "Due notti in quota prima della vetta fanno la differenza.",
            ],
        },
        "zh-hans": {
            "titles": ["第一次登{place}雪山，要请向导吗？"],
            "bodies": ["上过冰川课程，{month}想去{place}，可以自主攀登吗？"],
            "replies": [
                "第一次建议请向导，熟悉路线和时间，明年再自己来。",
                "冲顶前在三千米左右住两晚适应高度。",
            ],
        },
    },
    {
        "key": "winter-layering",
        "kind": "question",
        "tags": ["layering", "winter"],
        "gear": ["Summit Series Alpine Shell", "Ember down jacket"],
        "en": {
            "titles": [
                "Winter layering under the Summit shell?",
                "Belay jacket: Ember down or synthetic for winter climbing?",
            ],
            "bodies": [
                "Heading {in_place} for winter routes. What do you wear under the "
                "shell when moving, and what goes on at belays?"
            ],
            "replies": [
                "Moving: merino base plus a light grid fleece, shell on top. At belays the "
                "Ember goes over everything, shell included. Never take layers off at a belay.",
                "Synthetic if it's wet snow, down if it's properly cold and dry. I carry both "
                "in January.",
            ],
        },
        "lv": {
            "titles": ["Ziemas slāņi zem Summit jakas?"],
            "bodies": ["Ziemā braucu {in_place}. Ko velkat zem jakas kustībā un ko drošinot?"],
            "replies": [
                "Kustībā vilnas apakškrekls un plāna flīsa jaka, drošinot Ember virs visa.",
                "Slapjā sniegā sintētika, sausā salā dūnas.",
            ],
        },
    },
]

# Announcements are the brand's own voice, in English. The first one is always the welcome.
WELCOME = {
    "title": "Welcome to the Northtrail Community: start here",
    "body": "Hi everyone, and welcome! This is the place to share trips, ask questions and "
    "get straight answers from people who spend their weekends outside, including our own "
    "team.\n\n**A few ground rules**\n\n1. Be kind. Everyone was a beginner once.\n"
    "2. Share what you know, and say where you learned it.\n3. No selling or affiliate links.\n"
    "4. Questions about an order? Ask in any space and tag @maya.\n\n"
    "Summit Series owners: check your inbox for the Summit Club invite.\n\nSee you out there!",
    "tags": ["community", "guidelines"],
}

ANNOUNCEMENTS = [
    {
        "titles": [
            "Repair day {in_place}: bring your broken kit",
            "Free repair clinic {in_place} {month}",
        ],
        "body": "Our repair team is setting up {in_place} {month}. Bring torn shells, "
        "sticky zips, snapped poles and tired down. We'll fix what we can on the spot and "
        "show you how to do the rest yourself. Any brand welcome, not just ours.",
        "tags": ["repair", "event"],
    },
    {
        "titles": [
            "Trail clean-up {in_place} {month}: join us",
            "Community clean-up day {in_place}",
        ],
        "body": "We're teaming up with local volunteers for a trail clean-up {in_place} "
        "{month}. Gloves, bags and lunch are on us. Reply here so we know how many to feed.",
        "tags": ["event", "leave-no-trace"],
    },
    {
        "titles": [
            "Photo contest: your best shot {in_place}",
            "Monthly photo contest: theme is {in_place}",
        ],
        "body": "This month's photo contest theme: **{in_place}**. Post your best shot in the "
        "Members' Lounge photo thread. The winner gets a {gear}, and the top three photos "
        "go on the shop's home page.",
        "tags": ["contest", "photos"],
    },
    {
        "titles": ["Back in stock: {gear}", "{gear}: updated for this season"],
        "body": "Good news: our {gear} restock has landed, with the fixes you asked for in Summit Club "
        "and the Gear Care space. Thank you for the detailed feedback. Full details on the "
        "shop; questions welcome here.",
        "tags": ["product-news"],
    },
    {
        "titles": [
            "Meet our ambassadors: trips planned {in_place}",
            "Ambassador Q&A: ask us anything about {in_place}",
        ],
        "body": "Our ambassadors @sam_okafor, @ruta_kalnina and @lin_xiaodong are planning "
        "trips {in_place} {month}. Drop your questions below, they'll answer over the next "
        "week.",
        "tags": ["ambassadors"],
    },
]
