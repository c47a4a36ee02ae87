"""Trail Running: shoes, fuelling, vests and race reports."""

SUBJECTS = [
    {
        "key": "technical-shoes",
        "kind": "question",
        "tags": ["shoes"],
        "gear": ["Talus trail shoes"],
        "en": {
            "titles": [
                "Shoes for rocky, technical trails {in_place}?",
                "Talus trail shoes vs something with a rock plate?",
                "How many km do you get out of trail shoes?",
            ],
            "bodies": [
                "Most of my running is {in_place}: sharp rock, wet roots, steep. My "
                "road-ish trail shoes feel sketchy on descents. What should I look for?"
            ],
            "replies": [
                "Lug depth of 4–5 mm and a sticky rubber compound matter more than anything "
                "else on wet rock. The Talus grips really well.",
                "A rock plate helps on sharp stuff, but you lose ground feel. Try a pair "
                "with a moderate stack first.",
                "I retire mine around 700 km, earlier if the lugs are worn on the forefoot. "
                "Descents feel different long before the upper goes.",
                "Size half up for long mountain days: feet swell, and downhill toe-bang is no "
                "joke.",
            ],
        },
        "it": {
            "titles": ["Scarpe per sentieri tecnici {in_place}?"],
            "bodies": [
                "Corro soprattutto {in_place}: roccia, radici bagnate, ripido. Cosa "
                "cercare in una scarpa?"
            ],
            "replies": [
                "Tasselli da 4-5 mm e mescola morbida: le Talus tengono benissimo.",
                "Le cambio intorno ai 700 km, prima se i tasselli sono consumati.",
            ],
        },
        "pl": {
            "titles": ["Buty na techniczne szlaki {in_place}?"],
            "bodies": [
                "Biegam głównie {in_place}: skały, mokre korzenie, stromo. Na co "
                "zwrócić uwagę przy wyborze butów?"
            ],
            "replies": [
                "Bieżnik 4–5 mm i miękka guma. Talus trzymają świetnie na mokrym.",
                "Wymieniam po ok. 700 km, wcześniej jeśli bieżnik jest starty.",
            ],
        },
        "zh-hans": {
            "titles": ["{place}技术型路段穿什么越野跑鞋？"],
            "bodies": ["我主要在{place}跑：碎石、湿树根、陡坡。现在的鞋下坡很没安全感，该怎么选？"],
            "replies": [
                "鞋底齿深4-5毫米、橡胶软一点最重要，Talus在湿石头上抓地很好。",
                "大概跑700公里就换，前掌齿磨平了就更早换。",
            ],
        },
    },
    {
        "key": "ultra-fuelling",
        "kind": "question",
        "tags": ["nutrition", "ultra"],
        "en": {
            "titles": [
                "Fuelling for my first 50k {in_place} {month}",
                "How many carbs per hour do you actually manage in an ultra?",
            ],
            "bodies": [
                "First ultra coming up {in_place}. In training I start feeling sick "
                "after three hours of gels. How do you eat for 7+ hours?"
            ],
            "replies": [
                "Start around 60 g of carbs an hour and train your gut like any other muscle. "
                "It gets better within a few weeks.",
                "Mix in real food: salted potatoes, rice bars, even a jam sandwich. Sweet "
                "fatigue is real after hour four.",
                "Nausea is often dehydration or heat, not the gels. Sip every 10–15 minutes "
                "and add electrolytes.",
            ],
        },
        "it": {
            "titles": ["Alimentazione per il mio primo ultra {in_place}"],
            "bodies": ["Dopo tre ore di gel mi viene la nausea. Come mangiate per 7 ore?"],
            "replies": [
                "Parti da 60 g di carboidrati l'ora e allena lo stomaco.",
                "Alterna cibo vero: patate salate, barrette di riso.",
            ],
        },
        "lv": {
            "titles": ["Uzturs pirmajam ultramaratonam {in_place}"],
            "bodies": ["Pēc trim stundām ar želejām man kļūst slikti. Kā ēst 7 stundas?"],
            "replies": [
                "Sāc ar 60 g ogļhidrātu stundā un trenē vēderu.",
                "Pievieno īstu ēdienu: sālītus kartupeļus, rīsu batoniņus.",
            ],
        },
        "pl": {
            "titles": ["Odżywianie na pierwsze ultra {in_place}"],
            "bodies": [
                "Po trzech godzinach na żelach robi mi się niedobrze. Jak jeść przez 7 godzin?"
            ],
            "replies": [
                "Zacznij od 60 g węglowodanów na godzinę i trenuj żołądek.",
                "Dorzuć prawdziwe jedzenie: solone ziemniaki, batony ryżowe.",
            ],
        },
    },
    {
        "key": "race-report",
        "kind": "discussion",
        "tags": ["race-report"],
        "en": {
            "titles": [
                "Race report: mountain 30k {in_place}",
                "DNF at km 40 {in_place}: what I learned",
                "My first trail race {in_place} {month}, still smiling",
            ],
            "bodies": [
                "Short version: went out too fast, walked every climb after km 20, "
                "cried a little at the finish. The Vireo vest was perfect, my pacing "
                "was not. Already signed up for next year."
            ],
            "replies": [
                "Congrats! Going out too fast is a club we all belong to.",
                "Next year you'll smash it. The course {in_place} is brutal.",
                "A DNF that teaches you something isn't a failure. Well done for "
                "listening to your body.",
            ],
        },
        "it": {
            "titles": ["Report gara: 30 km {in_place}"],
            "bodies": [
                "Partito troppo forte, camminato ogni salita dopo il km 20. Il gilet "
                "Vireo perfetto, la mia gestione no. Già iscritto per l'anno prossimo."
            ],
            "replies": ["Complimenti! Partire forte è un classico.", "L'anno prossimo spacchi!"],
        },
        "zh-hans": {
            "titles": ["赛记：{place}山地30公里", "第一次越野赛，{month}在{place}"],
            "bodies": [
                "前面跑太快，20公里后每个上坡都在走。Vireo背心很好用，配速一塌糊涂。明年还来！"
            ],
            "replies": ["恭喜完赛！起跑太快谁都犯过。", "明年一定更好！"],
        },
    },
    {
        "key": "vest-fit",
        "kind": "question",
        "tags": ["running-vest"],
        "gear": ["Vireo running vest"],
        "en": {
            "titles": [
                "Running vest bounces on descents: fit issue?",
                "Soft flasks or bladder for long runs {in_place}?",
            ],
            "bodies": [
                "My vest bounces once the flasks are half empty. Sizing down, or "
                "just tightening differently?"
            ],
            "replies": [
                "Tighten the side straps before the chest straps, then adjust again once the "
                "flasks are lighter. Most vests need re-tightening mid-run.",
                "Soft flasks: easier to see how much you've drunk and faster to refill at streams.",
                "If it still bounces when snug, it's a size too big. Vests should feel like "
                "a shirt, not a backpack.",
            ],
        },
        "lv": {
            "titles": ["Skriešanas veste lēkā nokāpienos: izmērs?"],
            "bodies": ["Veste lēkā, kad pudeles ir pustukšas. Mazāks izmērs vai cita savilkšana?"],
            "replies": [
                "Vispirms savelc sānu siksnas, tad krūšu. Skrējiena vidū savelc atkal.",
                "Ja joprojām lēkā, tā ir par lielu.",
            ],
        },
        "pl": {
            "titles": ["Kamizelka biegowa skacze na zbiegach: zły rozmiar?"],
            "bodies": ["Kamizelka skacze, gdy bidony są w połowie puste. Mniejszy rozmiar?"],
            "replies": [
                "Najpierw boczne paski, potem piersiowe. W trakcie biegu dociągnij.",
                "Jeśli nadal skacze po dociągnięciu, jest za duża.",
            ],
        },
    },
]
