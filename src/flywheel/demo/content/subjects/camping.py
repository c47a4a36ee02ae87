"""Camping & Bivouac: tents, sleeping warm, wild camping and camp food."""

SUBJECTS = [
    {
        "key": "tent-condensation",
        "kind": "question",
        "tags": ["tent", "condensation"],
        "gear": ["Driftwood 2P tent"],
        "en": {
            "titles": [
                "Condensation dripping inside my tent {in_place}",
                "Driftwood 2P soaked inside every morning: normal?",
                "How do you stop condensation on still, cold nights?",
            ],
            "bodies": [
                "Every morning the inner is wet, especially near lakes {in_place}. "
                "Vents open, door closed. Am I pitching it wrong?"
            ],
            "replies": [
                "Open both vents *and* crack the door zip at the top. Still air plus a lake "
                "means condensation no matter what; you can only move it outside.",
                "Pitch away from water and under trees if you can: the canopy keeps the "
                "fly warmer and there's less dew.",
                "Keep a small microfibre cloth in the tent pocket and wipe the fly before "
                "you pack. Wet boots and gear stay in the porch, not inside.",
                "Tension the fly tight after dark. Nylon sags when it cools and touches the "
                "inner, which is when the drips start.",
            ],
        },
        "it": {
            "titles": ["Condensa nella tenda {in_place}: cosa sbaglio?"],
            "bodies": [
                "Ogni mattina l'interno è bagnato, soprattutto vicino ai laghi. Prese "
                "d'aria aperte. Monto male la tenda?"
            ],
            "replies": [
                "Apri anche la cerniera in alto della porta, con aria ferma la condensa "
                "c'è sempre.",
                "Evita di montarla vicino all'acqua, sotto gli alberi c'è meno rugiada.",
            ],
        },
        "lv": {
            "titles": [
                "Kondensāts teltī {in_place}: ko daru nepareizi?",
                "Driftwood 2P katru rītu slapja iekšpusē",
            ],
            "bodies": [
                "Katru rītu iekšējā telts ir slapja, īpaši pie ezeriem. Ventilācija "
                "atvērta. Vai uzstādu nepareizi?"
            ],
            "replies": [
                "Atver arī durvju rāvējslēdzēju augšā, bezvējā kondensāts būs vienmēr.",
                "Neliec telti pie pašas ūdens malas, zem kokiem ir mazāk rasas.",
                "Pēc tumsas vēlreiz nostiepj ārējo telti, neilons atslābst.",
            ],
        },
        "pl": {
            "titles": ["Kondensacja w namiocie {in_place}: co robię źle?"],
            "bodies": [
                "Co rano sypialnia mokra, szczególnie nad jeziorami. Wywietrzniki "
                "otwarte. Źle rozbijam namiot?"
            ],
            "replies": [
                "Uchyl też górę drzwi, przy bezwietrznej pogodzie kondensacja będzie zawsze.",
                "Rozbijaj dalej od wody, pod drzewami jest mniej rosy.",
            ],
        },
        "zh-hans": {
            "titles": ["在{place}露营帐篷里冷凝水太多怎么办？"],
            "bodies": ["每天早上内帐都是湿的，尤其在湖边。通风口开着，是我搭法不对吗？"],
            "replies": [
                "把门的拉链顶端也拉开一点，无风的夜晚冷凝水无法避免，只能让它排出去。",
                "别扎在水边，树下露水少一些。",
            ],
        },
    },
    {
        "key": "sleeping-cold",
        "kind": "question",
        "tags": ["sleeping-bag", "sleep-system"],
        "gear": ["Cirrus -5° sleeping bag", "Basecamp merino base layer"],
        "en": {
            "titles": [
                "Cold at night in a -5° bag {in_place}?",
                "Sleeping bag comfort vs limit rating: which one matters?",
                "Sleeping mat R-value for camping {in_place} {month}",
            ],
            "bodies": [
                "Took my Cirrus -5° {in_place} {month}, it only dropped to +2 and I "
                "still shivered. Is the bag the problem or me?"
            ],
            "replies": [
                "Look at the *comfort* rating, not the limit. And the mat matters as much as "
                "the bag: an R-value under 3 will leak heat all night.",
                "Eat something fatty before bed and have a warm drink. A bottle of hot water "
                "in the footbox is the oldest trick there is.",
                "Don't sleep in the clothes you hiked in. Dry merino base layer and dry socks "
                "make a big difference.",
                "Women's ratings run colder on average: if you sleep cold, size the bag 5 °C "
                "warmer than the forecast.",
            ],
        },
        "it": {
            "titles": ["Freddo di notte con un sacco da -5° {in_place}?"],
            "bodies": [
                "Con il Cirrus -5° a +2 gradi ho tremato tutta la notte. È il sacco o sono io?"
            ],
            "replies": [
                "Guarda la temperatura comfort, non il limite. E il materassino conta "
                "quanto il sacco.",
                "Strato base asciutto e calze asciutte per la notte.",
            ],
        },
        "lv": {
            "titles": ["Salst naktī -5° guļammaisā {in_place}?"],
            "bodies": ["Ar Cirrus -5° pie +2 grādiem salu visu nakti. Vainīgs maiss vai es?"],
            "replies": [
                "Skaties komforta temperatūru, nevis robežu. Paklājiņš ir tikpat svarīgs.",
                "Pirms miega apēd kaut ko treknu un iedzer siltu tēju.",
            ],
        },
        "pl": {
            "titles": ["Zimno w śpiworze -5° {in_place}?"],
            "bodies": ["W Cirrus -5° przy +2 °C trząsłem się całą noc. Śpiwór czy ja?"],
            "replies": [
                "Patrz na temperaturę komfortu, nie ekstremalną. Karimata jest tak samo ważna.",
                "Suche ubranie na noc i suche skarpety robią różnicę.",
            ],
        },
        "zh-hans": {
            "titles": ["在{place}用零下五度睡袋还是冷？"],
            "bodies": ["{month}带着Cirrus -5°去{place}，气温才两度还是冻得发抖，是睡袋问题吗？"],
            "replies": [
                "看舒适温度，不是极限温度。防潮垫和睡袋一样重要，R值低于3会一直漏热。",
                "睡前吃点高热量的，灌一瓶热水放脚下。",
            ],
        },
    },
    {
        "key": "wild-camping-rules",
        "kind": "question",
        "tags": ["wild-camping"],
        "en": {
            "titles": [
                "Is wild camping allowed {in_place}?",
                "Where can you legally bivvy {in_place}?",
            ],
            "bodies": [
                "Planning a couple of nights out {in_place} {month}. The rules online "
                "are confusing. Anyone know what's actually allowed?"
            ],
            "replies": [
                "Rules vary by park and even by altitude. Check the park authority's site, "
                "not forums. Often a bivvy from dusk to dawn above the treeline is tolerated "
                "where tents aren't.",
                "Ask at the visitor centre. Rangers are usually happy to point you to a spot "
                "where it's fine.",
                "Whatever the law says: small group, one night, no fire, leave no trace. "
                "That's why we still get to do it.",
            ],
        },
        "it": {
            "titles": ["Si può fare campeggio libero {in_place}?"],
            "bodies": [
                "{month} vorrei passare un paio di notti fuori {in_place}. Le regole "
                "online sono confuse."
            ],
            "replies": [
                "Le regole cambiano da parco a parco: spesso il bivacco dal tramonto "
                "all'alba in quota è tollerato.",
                "Niente fuochi e non lasciare traccia.",
            ],
        },
        "pl": {
            "titles": ["Czy można biwakować na dziko {in_place}?"],
            "bodies": ["{month} planuję dwie noce {in_place}. Przepisy w sieci są mylące."],
            "replies": [
                "W Polsce są wyznaczone miejsca biwakowe w lasach (program „Zanocuj "
                "w lesie”), w parkach narodowych nie wolno.",
                "Mała grupa, jedna noc, bez ogniska i bez śladów.",
            ],
        },
        "lv": {
            "titles": ["Vai {in_place} drīkst kempot savvaļā?"],
            "bodies": [
                "{month} plānoju pāris naktis {in_place}. Noteikumi internetā ir mulsinoši."
            ],
            "replies": [
                "Latvijā mežā parasti drīkst, ja zeme nav privāta un nav aizliegts; "
                "dabas parkos skaties noteikumus.",
                "Ugunskuru tikai ierīkotās vietās.",
            ],
        },
    },
    {
        "key": "camp-food",
        "kind": "discussion",
        "tags": ["camp-food"],
        "en": {
            "titles": [
                "Best camp meal you've made {in_place}?",
                "Favourite one-pot dinner after a long day?",
            ],
            "bodies": [
                "Mine: couscous, a stock cube, chorizo and a handful of dried "
                "tomatoes. Ten minutes, one pot, zero washing up. Yours?"
            ],
            "replies": [
                "Ramen with peanut butter and chilli. Don't knock it.",
                "Instant mash with cheese and crispy onions. Pure joy at 2,000 m.",
                "Pasta, pesto, and a whole bag of pine nuts. Luxury.",
                "Porridge with salted caramel sauce from a sachet. Breakfast of champions.",
            ],
        },
        "it": {
            "titles": ["Il miglior pasto al campo {in_place}?"],
            "bodies": [
                "Il mio: cous cous, dado, salame e pomodori secchi. Dieci minuti, "
                "una pentola. E il vostro?"
            ],
            "replies": [
                "Polenta istantanea con formaggio. Una gioia a 2000 metri.",
                "Pasta al pesto e pinoli, lusso puro.",
            ],
        },
        "zh-hans": {
            "titles": ["你在{place}露营做过最好吃的饭是什么？"],
            "bodies": ["我的：方便面加花生酱和辣椒油，十分钟一锅搞定。你们呢？"],
            "replies": ["自热火锅！虽然重，但山上吃太幸福了。", "小米粥加红枣，早上暖胃。"],
        },
        "lv": {
            "titles": ["Labākā maltīte, ko esi gatavojis {in_place}?"],
            "bodies": ["Mana: griķi ar sautējumu un sīpoliem. Desmit minūtes, viens katls."],
            "replies": [
                "Pelēkie zirņi ar speķi pie ugunskura, klasika!",
                "Auzu putra ar ogām no meža.",
            ],
        },
    },
]
