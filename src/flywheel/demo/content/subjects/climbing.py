"""Climbing: crags, ropes, via ferrata and training."""

SUBJECTS = [
    {
        "key": "first-outdoor-sport",
        "kind": "question",
        "tags": ["sport-climbing", "rack"],
        "gear": ["Granite approach shoes", "Ridgeline 45 backpack"],
        "en": {
            "titles": [
                "First outdoor sport climbing trip {in_place}: what do I need?",
                "From the wall to real rock {in_place} {month}: how many quickdraws?",
            ],
            "bodies": [
                "I've been climbing indoors for a year (leading 6a). A few of us are "
                "going {in_place} {month}. Rope, quickdraws, anything else people "
                "forget?"
            ],
            "replies": [
                "Twelve quickdraws covers most single pitches, plus two slings and two locking "
                "carabiners for the lower-off. Practise threading the anchor at the wall "
                "first.",
                "Bring a helmet. Outdoor crags have loose rock and people above you, unlike "
                "the wall.",
                "Get the local guidebook, and start two grades below your indoor grade. "
                "Polished limestone feels nothing like plastic.",
                "A rope bag or tarp keeps the rope out of the dirt and makes packing up much "
                "faster.",
            ],
        },
        "it": {
            "titles": ["Prima uscita in falesia {in_place}: cosa serve?"],
            "bodies": [
                "Arrampico in palestra da un anno (6a da primo). {month} andiamo "
                "{in_place}. Corda, rinvii e poi?"
            ],
            "replies": [
                "Dodici rinvii, due fettucce e due moschettoni a ghiera per la sosta.",
                "Casco sempre: in falesia cadono sassi. E parti due gradi sotto.",
            ],
        },
        "lv": {
            "titles": ["Pirmā klinšu kāpšana ārā {in_place}: kas vajadzīgs?"],
            "bodies": [
                "Gadu kāpju zālē (6a ar apakšējo drošināšanu). {month} braucam "
                "{in_place}. Virve, ekspresi un kas vēl?"
            ],
            "replies": [
                "Divpadsmit ekspresi, divas cilpas un divas karabīnes ar skrūvi.",
                "Ķivere obligāti, un sāc par divām kategorijām vieglāk nekā zālē.",
            ],
        },
        "pl": {
            "titles": ["Pierwszy wyjazd w skały {in_place}: co zabrać?"],
            "bodies": [
                "Wspinam się na ściance od roku (6a z dołem). {month} jedziemy "
                "{in_place}. Lina, ekspresy i co jeszcze?"
            ],
            "replies": [
                "Dwanaście ekspresów, dwie pętle i dwa zakręcane karabinki do stanowiska.",
                "Kask obowiązkowo, a na start dwa stopnie niżej niż na panelu.",
            ],
        },
        "zh-hans": {
            "titles": ["第一次去{place}户外运动攀，需要准备什么？"],
            "bodies": ["室内攀岩一年了（先锋6a），{month}要去{place}。除了绳子和快挂还要带什么？"],
            "replies": [
                "十二把快挂、两根扁带、两把丝扣锁，下降前先在岩馆练好穿保护站。",
                "一定要戴头盔，户外会有落石。难度从比室内低两级开始。",
            ],
        },
    },
    {
        "key": "rope-length",
        "kind": "question",
        "tags": ["rope"],
        "en": {
            "titles": [
                "60 m or 70 m rope for {in_place}?",
                "Is a 9.2 mm rope too thin for a beginner lead climber?",
            ],
            "bodies": [
                "Buying my first rope. Most routes {in_place} look under 30 m, but I "
                "keep hearing 70 m is the new standard. Worth the extra weight?"
            ],
            "replies": [
                "70 m. Newer sport routes are often 33–35 m and you'll want to lower off "
                "safely. Always tie a knot in the end, whatever the length.",
                "A 9.8 mm rope is more forgiving for a first rope: it lasts longer and is "
                "easier to hold in a belay device.",
                "Ends wear first. With a 70 m you can cut off a damaged end and still have a "
                "usable 60.",
            ],
        },
        "it": {
            "titles": ["Corda da 60 o 70 metri per {in_place}?"],
            "bodies": [
                "Compro la mia prima corda. Le vie {in_place} sembrano sotto i 30 m, "
                "ma tutti dicono 70. Ne vale la pena?"
            ],
            "replies": [
                "70 m: le vie nuove arrivano a 35 m. E sempre un nodo in fondo!",
                "Per iniziare meglio un 9,8 mm, dura di più.",
            ],
        },
        "lv": {
            "titles": ["60 vai 70 m virve kāpšanai {in_place}?"],
            "bodies": [
                "Pērku pirmo virvi. Maršruti {in_place} izskatās īsāki par 30 m. Vai 70 m ir vērts?"
            ],
            "replies": [
                "70 m, jaunie maršruti ir līdz 35 m. Un vienmēr mezgls galā!",
                "Pirmajai virvei labāk 9,8 mm, tā kalpo ilgāk.",
            ],
        },
        "pl": {
            "titles": ["Lina 60 czy 70 m {in_place}?"],
            "bodies": [
                "Kupuję pierwszą linę. Drogi {in_place} mają poniżej 30 m, ale wszyscy "
                "mówią o 70 m. Warto?"
            ],
            "replies": [
                "70 m, nowe drogi mają do 35 m. I zawsze węzeł na końcu liny!",
                "Na pierwszą linę lepsze 9,8 mm, dłużej wytrzyma.",
            ],
        },
        "zh-hans": {
            "titles": ["去{place}攀岩买60米还是70米的绳子？"],
            "bodies": ["第一次买绳子。{place}的线路好像都不到30米，但大家都说70米是标配，值得吗？"],
            "replies": [
                "买70米，新线路常有35米。绳尾一定要打结！",
                "第一根绳子建议9.8毫米，更耐用。",
            ],
        },
    },
    {
        "key": "via-ferrata",
        "kind": "question",
        "tags": ["via-ferrata"],
        "en": {
            "titles": [
                "Via ferrata kit for a first trip {in_place} {month}",
                "Renting vs buying a via ferrata set?",
            ],
            "bodies": [
                "Doing a couple of easy via ferratas {in_place} {month}. Do I need "
                "to buy a lanyard set or can I rent? Gloves worth it?"
            ],
            "replies": [
                "Rent for a first trip, but check the energy absorber's date and that it "
                "matches your body weight. Sets for kids and light adults are different.",
                "Fingerless gloves, absolutely. The cables shred your palms after an hour.",
                "Clip both arms every time you pass an anchor, one at a time. Sounds obvious, "
                "easy to get lazy about on the easy bits.",
            ],
        },
        "it": {
            "titles": ["Kit da ferrata per la prima volta {in_place}"],
            "bodies": [
                "{month} faccio qualche ferrata facile {in_place}. Noleggio o compro "
                "il set? Servono i guanti?"
            ],
            "replies": [
                "Noleggia, ma controlla la data del dissipatore e il peso consentito.",
                "Guanti senza dita, assolutamente: il cavo distrugge le mani.",
            ],
        },
        "pl": {
            "titles": ["Sprzęt na pierwszą ferratę {in_place}"],
            "bodies": [
                "{month} robię kilka łatwych ferrat {in_place}. Wypożyczyć czy kupić "
                "lonżę? Rękawiczki potrzebne?"
            ],
            "replies": [
                "Wypożycz, ale sprawdź datę absorbera i zakres wagi.",
                "Rękawiczki bez palców koniecznie, stalowa lina niszczy dłonie.",
            ],
        },
    },
    {
        "key": "finger-injury",
        "kind": "discussion",
        "tags": ["training", "injury"],
        "en": {
            "titles": [
                "Coming back from a pulley injury: how did you rebuild?",
                "Hangboarding after a finger tweak: what worked for you?",
            ],
            "bodies": [
                "Tweaked my A2 pulley six weeks ago. Physio says I can start loading "
                "again. Keen to hear how others came back without re-injuring."
            ],
            "replies": [
                "Open-hand grips only for the first month, and stop every session while "
                "you still feel fresh. Patience is the whole game.",
                "Block pulls with a light load worked for me. Tiny increments, twice a week.",
                "I lost six months by going back to crimps too soon. Listen to your physio.",
            ],
        },
        "it": {
            "titles": ["Rientro dopo una lesione alla puleggia: esperienze?"],
            "bodies": ["Puleggia A2 infiammata sei settimane fa. Come avete ripreso?"],
            "replies": [
                "Solo prese aperte il primo mese, e smetti quando sei ancora fresco.",
                "Pazienza: io ho perso sei mesi tornando troppo presto sulle tacche.",
            ],
        },
        "zh-hans": {
            "titles": ["手指滑车受伤后怎么恢复训练？"],
            "bodies": ["六周前A2滑车受伤，理疗师说可以开始加负荷了，大家怎么恢复的？"],
            "replies": [
                "第一个月只用开放式握法，感觉还不累就停。",
                "别太快回到小点，我就是这样又伤了半年。",
            ],
        },
    },
    {
        "key": "crag-report",
        "kind": "discussion",
        "tags": ["crag-report"],
        "en": {
            "titles": [
                "Crag conditions {in_place} this week",
                "Weekend at the crag {in_place}: quick report",
            ],
            "bodies": [
                "Spent the weekend {in_place}. Rock was dry on the south faces, "
                "seepage on the classic wall. The approach path has been rerouted "
                "after the rockfall, follow the new cairns."
            ],
            "replies": [
                "Thanks for the heads-up about the path.",
                "Was the car park busy? Thinking of going Saturday.",
                "Great news, I've been waiting for it to dry out.",
            ],
        },
        "lv": {
            "titles": ["Klinšu apstākļi {in_place} šonedēļ"],
            "bodies": [
                "Pavadīju nedēļas nogali {in_place}. Dienvidu sienas sausas, klasiskajā "
                "sienā tek ūdens. Pieejas taka mainīta."
            ],
            "replies": ["Paldies par info par taku!", "Vai stāvvietā bija daudz mašīnu?"],
        },
        "pl": {
            "titles": ["Warunki w skałach {in_place} w tym tygodniu"],
            "bodies": [
                "Weekend {in_place}: południowe ściany suche, na klasycznej ścianie "
                "zacieki. Dojście zmienione po obrywie."
            ],
            "replies": ["Dzięki za info o dojściu!", "Parking był pełny? Myślę o sobocie."],
        },
    },
]
