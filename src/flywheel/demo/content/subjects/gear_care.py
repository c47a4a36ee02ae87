"""Gear Care & Repair: washing, reproofing, patching and resoling."""

SUBJECTS = [
    {
        "key": "reproof-shell",
        "kind": "question",
        "tags": ["waterproofing", "dwr"],
        "gear": ["Summit Series Alpine Shell", "Stratus rain trousers"],
        "en": {
            "titles": [
                "My {gear} wets out in the rain: time to reproof?",
                "How often should I wash a waterproof shell?",
                "Spray-on or wash-in reproofer for the {gear}?",
            ],
            "bodies": [
                "After a wet weekend {in_place} the outer fabric of my {gear} was "
                "soaked through and I felt clammy inside. It's two years old. "
                "Is the membrane done, or does it just need care?"
            ],
            "replies": [
                "Almost certainly just the DWR. Wash it with a technical cleaner (no fabric "
                "softener!), then tumble dry on low for 20 minutes: the heat reactivates the "
                "coating. Only reproof if water still doesn't bead.",
                "Spray-on is better for shells with a mesh or fleece lining: you only treat "
                "the outside, so the inside keeps wicking.",
                "Wash it more, not less. Sweat and sunscreen clog the face fabric; I wash mine "
                "every 10–15 days of use.",
                "If it still leaks after all that, send it to our repair team. Seam tape "
                "lifting is covered for Summit Series for five years.",
            ],
        },
        "it": {
            "titles": ["Il mio {gear} si bagna: è ora di reimpermeabilizzarlo?"],
            "bodies": [
                "Dopo un weekend di pioggia {in_place} il tessuto esterno del {gear} "
                "era fradicio. Ha due anni. La membrana è da buttare?"
            ],
            "replies": [
                "Quasi certamente è solo il DWR: lavalo con detersivo tecnico e "
                "asciugatrice a bassa temperatura per 20 minuti.",
                "Lavalo più spesso: sudore e crema solare intasano il tessuto.",
            ],
        },
        "lv": {
            "titles": ["Mans {gear} lietū samirkst: laiks atjaunot impregnāciju?"],
            "bodies": [
                "Pēc lietainas nedēļas nogales {in_place} {gear} ārējais audums bija "
                "slapjš cauri. Tam ir divi gadi. Vai membrāna ir beigta?"
            ],
            "replies": [
                "Visticamāk, tikai DWR pārklājums. Izmazgā ar tehnisko līdzekli un "
                "žāvē žāvētājā 20 minūtes zemā temperatūrā.",
                "Mazgā biežāk: sviedri un saules krēms aizsprosto audumu.",
            ],
        },
        "pl": {
            "titles": ["Mój {gear} przemaka: czas na impregnację?"],
            "bodies": [
                "Po deszczowym weekendzie {in_place} zewnętrzna tkanina {gear} była "
                "mokra na wylot. Ma dwa lata. Membrana do wyrzucenia?"
            ],
            "replies": [
                "Prawie na pewno to tylko DWR. Wypierz w środku do odzieży technicznej "
                "i wysusz w suszarce na niskiej temperaturze przez 20 minut.",
                "Pierz częściej: pot i krem z filtrem zatykają tkaninę.",
            ],
        },
        "zh-hans": {
            "titles": ["我的{gear}淋雨后表面吸水，需要重新做防泼水吗？"],
            "bodies": [
                "在{place}下了一个周末的雨，{gear}外层全湿透了，里面也闷。才用了两年，是膜坏了吗？"
            ],
            "replies": [
                "多半只是防泼水涂层失效。用专用洗涤剂洗（别用柔顺剂），低温烘干二十分钟就能恢复。",
                "要勤洗，汗水和防晒霜会堵住面料。",
            ],
        },
    },
    {
        "key": "wash-down",
        "kind": "question",
        "tags": ["down", "washing"],
        "gear": ["Ember down jacket", "Cirrus -5° sleeping bag"],
        "en": {
            "titles": [
                "Washing my {gear} without ruining it?",
                "Down clumped after washing: can I save it?",
            ],
            "bodies": [
                "My {gear} smells like three seasons of bothies. I'm terrified of "
                "washing it. Machine or bath?"
            ],
            "replies": [
                "Front-loader, gentle cycle, down-specific wash, extra rinse. Then tumble dry "
                "on low with three clean tennis balls for a couple of hours. It will look "
                "ruined after the first hour; keep going.",
                "Clumps mean it's still damp inside. Keep drying and break them up by hand "
                "every 30 minutes.",
                "Never dry-clean down. The solvents strip the natural oils.",
            ],
        },
        "it": {
            "titles": ["Come lavare il mio {gear} senza rovinarlo?"],
            "bodies": ["Il {gear} puzza di tre stagioni di bivacchi. Lavatrice o vasca?"],
            "replies": [
                "Lavatrice a oblò, programma delicato, detersivo per piuma. Poi "
                "asciugatrice con palline da tennis per un paio d'ore.",
                "Se fa grumi è ancora umido dentro: continua ad asciugare.",
            ],
        },
        "pl": {
            "titles": ["Jak uprać {gear}, żeby go nie zniszczyć?"],
            "bodies": ["{gear} pachnie trzema sezonami w schroniskach. Pralka czy wanna?"],
            "replies": [
                "Pralka ładowana od przodu, delikatny program, środek do puchu. Potem "
                "suszarka z piłkami tenisowymi przez dwie godziny.",
                "Grudki oznaczają, że puch jest jeszcze wilgotny. Susz dalej.",
            ],
        },
    },
    {
        "key": "tent-repair",
        "kind": "question",
        "tags": ["repair", "tent"],
        "gear": ["Driftwood 2P tent"],
        "en": {
            "titles": [
                "Broken tent pole {in_place}: field fix?",
                "Small tear in my tent fly: patch or send it in?",
            ],
            "bodies": [
                "A gust snapped a pole section on my {gear} last night {in_place}. "
                "I've got two nights left. What's the best fix with what's in a pack?"
            ],
            "replies": [
                "Slide the repair sleeve over the break and tape both ends. No sleeve? A tent "
                "peg splinted along the break with plenty of tape gets you through.",
                "For the fly: clean the area with an alcohol wipe, round the corners of the "
                "patch and apply it on both sides if you can.",
                "Send it to the repair team when you're home. Replacement pole sections are "
                "free for Northtrail tents, you just pay postage.",
            ],
        },
        "lv": {
            "titles": ["Salūza telts loks {in_place}: kā salabot uz vietas?"],
            "bodies": [
                "Vēja brāzma naktī salauza {gear} loku. Vēl divas naktis priekšā. Kā "
                "salabot ar to, kas ir somā?"
            ],
            "replies": [
                "Uzbīdi remonta uzmavu uz lūzuma un aptin ar līmlenti. Nav uzmavas? "
                "Telts mietiņš kā šina arī der.",
                "Mājās aizsūti remontam, Northtrail teltīm loka posmi ir bez maksas.",
            ],
        },
        "zh-hans": {
            "titles": ["在{place}帐杆断了，野外怎么修？"],
            "bodies": ["昨晚一阵大风把{gear}的帐杆吹断了一节，还要住两晚，用背包里的东西怎么修？"],
            "replies": [
                "把修补套管套在断口上，两头缠胶带。没有套管就用地钉当夹板绑紧。",
                "回家后寄给售后，Northtrail帐篷的杆节免费换，只付邮费。",
            ],
        },
    },
    {
        "key": "resole",
        "kind": "discussion",
        "tags": ["resoling", "repair"],
        "gear": ["Granite approach shoes", "Talus trail shoes"],
        "en": {
            "titles": [
                "Resoled my {gear}: before and after",
                "Is resoling worth it, or just buy new?",
            ],
            "bodies": [
                "Sent my {gear} off for a resole instead of binning them. Half the "
                "price of new, and the uppers are broken in perfectly. Anyone else "
                "do this regularly?"
            ],
            "replies": [
                "Every pair of climbing shoes I own has been resoled at least twice.",
                "Worth it as long as the rand isn't worn through. Send them before "
                "the hole, not after.",
                "Love this. Repair over replace should be the default.",
            ],
        },
        "it": {
            "titles": ["Risuolate le mie {gear}: prima e dopo"],
            "bodies": [
                "Ho fatto risuolare le {gear} invece di buttarle: metà prezzo del nuovo "
                "e tomaia già perfetta."
            ],
            "replies": [
                "Tutte le mie scarpette sono state risuolate almeno due volte.",
                "Conviene finché il bordo in gomma non è bucato.",
            ],
        },
        "pl": {
            "titles": ["Podzelowane {gear}: przed i po"],
            "bodies": [
                "Zamiast wyrzucać {gear}, oddałem je do podzelowania. Połowa ceny "
                "nowych, a cholewka idealnie rozchodzona."
            ],
            "replies": [
                "Każde moje buty wspinaczkowe były podzelowane co najmniej dwa razy.",
                "Opłaca się, dopóki otok nie jest przetarty.",
            ],
        },
    },
]
