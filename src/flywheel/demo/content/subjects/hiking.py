"""Hiking & Trekking: what people ask and answer, per language."""

SUBJECTS = [
    {
        "key": "boots-blisters",
        "kind": "question",
        "tags": ["boots", "blisters"],
        "gear": ["Talus trail shoes", "Basecamp merino base layer"],
        "en": {
            "titles": [
                "Blisters on every descent {in_place}: boots or socks?",
                "How long to break in new boots before a {days}-day trek?",
                "Heel blisters after 15 km: what am I doing wrong?",
            ],
            "bodies": [
                "Every long descent ends with the same hot spot on my left heel. Boots are "
                "half a size up, laced normally. I'm heading out {in_place} {month} for "
                "{days} days and really don't want to limp the last half.\n\nAny tricks?",
                "Got new leather boots and only have three weekends before my trip "
                "{in_place}. Is that enough to break them in, or should I take my old "
                "pair?",
            ],
            "replies": [
                "Try a heel-lock lacing (the 'runner's loop' through the top eyelet). It "
                "stopped my heel lifting on descents completely. Also tighten the lower laces "
                "before you start going down.",
                "Thin liner socks under a merino hiking sock. The friction happens between "
                "the two sock layers instead of on your skin. Changed everything for me.",
                "Tape the hot spot *before* it becomes a blister. Leukotape stays on for days, "
                "even with sweaty feet.",
                "Three weekends is fine for modern boots if you do proper hills with a loaded "
                "pack, not just walks around town. Take the old pair if they still have grip.",
                "Half a size up can be too much if your foot is narrow. Try a thicker insole "
                "before you blame the boot.",
            ],
        },
        "it": {
            "titles": [
                "Vesciche in discesa {in_place}: colpa degli scarponi o delle calze?",
                "Quanto tempo per ammorbidire scarponi nuovi prima di un trekking?",
            ],
            "bodies": [
                "Ogni discesa lunga finisce con una vescica sul tallone. Parto "
                "{in_place} {month} per {days} giorni: consigli?"
            ],
            "replies": [
                "Prova l'allacciatura con l'asola sul tallone (heel lock): in discesa il "
                "piede non scivola più in avanti.",
                "Calza sottile sotto una calza in merino: lo sfregamento avviene tra le "
                "calze e non sulla pelle.",
                "Metti il cerotto appena senti bruciare, non aspettare la vescica.",
            ],
        },
        "lv": {
            "titles": [
                "Tulznas katrā nokāpienā {in_place}: vainīgi zābaki vai zeķes?",
                "Cik ilgi iestaigāt jaunus zābakus pirms pārgājiena?",
            ],
            "bodies": [
                "Pēc katra gara nokāpiena uz papēža tulzna. {month} dodos {in_place} "
                "uz {days} dienām. Kādi padomi?"
            ],
            "replies": [
                "Pamēģini papēža fiksācijas šņorēšanu caur augšējo cilpu, tad pēda neslīd uz "
                "priekšu.",
                "Plānas zeķes zem vilnas zeķēm: berze notiek starp zeķēm, nevis uz ādas.",
            ],
        },
        "pl": {
            "titles": [
                "Odciski na każdym zejściu {in_place}: buty czy skarpety?",
                "Ile czasu na rozchodzenie nowych butów przed trekkingiem?",
            ],
            "bodies": [
                "Po każdym długim zejściu mam bąbel na pięcie. {month} jadę {in_place} "
                "na {days} dni i nie chcę kuśtykać. Macie sposoby?"
            ],
            "replies": [
                "Spróbuj wiązania z pętlą na pięcie (heel lock) — pięta przestaje się unosić "
                "na zejściach.",
                "Cienkie skarpety pod merino: tarcie jest między skarpetami, a nie na skórze.",
                "Oklej miejsce, zanim pojawi się bąbel. Taśma trzyma kilka dni.",
            ],
        },
        "zh-hans": {
            "titles": [
                "在{place}每次下山都磨脚：是鞋的问题还是袜子？",
                "新登山鞋要磨合多久才能走多日线路？",
            ],
            "bodies": ["每次长下坡脚后跟都起泡。{month}要去{place}走{days}天，有什么办法吗？"],
            "replies": [
                "试试脚跟锁定系法（最上面两个鞋带孔打环），下坡时脚就不会往前滑了。",
                "薄内袜加羊毛袜，摩擦发生在两层袜子之间，而不是皮肤上。",
                "感觉发热就马上贴胶布，别等起泡。",
            ],
        },
    },
    {
        "key": "hut-trek-plan",
        "kind": "question",
        "tags": ["trek-planning", "huts"],
        "en": {
            "titles": [
                "Planning a {days}-day hut-to-hut trek {in_place} {month}: route ideas?",
                "First multi-day trek {in_place}: how far per day is realistic?",
                "Huts or tent for {days} days {in_place}?",
            ],
            "bodies": [
                "Two of us, reasonably fit, done plenty of day hikes but never more than one "
                "night out. Thinking {days} days {in_place} {month}.\n\n- How much ascent per "
                "day is sensible?\n- Do we need to book huts?\n- Cash or card up there?",
                "We'd like to go light and sleep in huts, but availability looks patchy "
                "{month}. Is carrying a tent as backup silly for {days} days?",
            ],
            "replies": [
                "For a first trek I'd keep it to about 1,000 m of ascent or 6 hours of walking "
                "a day. You'll want time to enjoy the huts, and day three is always harder "
                "than you expect.",
                "Book the huts. {month} the popular ones fill up weeks ahead, and most take a "
                "deposit by card but want cash for dinner and drinks.",
                "Carrying a tent adds 2 kg you'll feel every climb. Book the tricky nights and "
                "keep one flexible day in the plan instead.",
                "Check the last bus back from the trailhead before you fix the route. We "
                "planned the perfect loop and then waited four hours for a taxi.",
                "Print the route, even if you have it on your phone. Batteries die in the cold "
                "and a paper map never runs flat.",
            ],
        },
        "it": {
            "titles": [
                "Trekking di {days} giorni {in_place} {month}: consigli sul percorso?",
                "Primo giro rifugio-rifugio {in_place}: quanti km al giorno?",
            ],
            "bodies": [
                "Siamo in due, discretamente allenati, mai più di una notte fuori. "
                "Quanto dislivello al giorno? Bisogna prenotare i rifugi?"
            ],
            "replies": [
                "Per il primo trekking starei sui 1000 m di dislivello al giorno. Il terzo "
                "giorno è sempre il più duro.",
                "Prenota i rifugi: {month} quelli più noti sono pieni settimane prima. "
                "Porta contanti per la cena.",
            ],
        },
        "lv": {
            "titles": [
                "Plānoju {days} dienu pārgājienu {in_place} {month}: maršruta idejas?",
                "Pirmais vairāku dienu pārgājiens {in_place}: cik km dienā?",
            ],
            "bodies": [
                "Esam divatā, dienas pārgājienus esam gājuši daudz, bet ilgāk par "
                "vienu nakti ne. Cik kāpuma dienā ir saprātīgi?"
            ],
            "replies": [
                "Pirmajam pārgājienam iesaku ap 1000 m kāpuma vai 6 stundas iešanas dienā.",
                "Namiņus rezervē laicīgi, {month} populārākie ir pilni jau nedēļām iepriekš.",
            ],
        },
        "pl": {
            "titles": [
                "{days}-dniowy trekking {in_place} {month}: pomysły na trasę?",
                "Pierwszy wielodniowy trekking {in_place}: ile km dziennie?",
            ],
            "bodies": [
                "Jesteśmy we dwoje, robiliśmy dużo jednodniowych wycieczek. Ile "
                "przewyższenia dziennie ma sens? Trzeba rezerwować schroniska?"
            ],
            "replies": [
                "Na pierwszy raz około 1000 m przewyższenia albo 6 godzin marszu dziennie. "
                "Trzeci dzień zawsze jest najcięższy.",
                "Rezerwuj schroniska, {month} najpopularniejsze są zajęte na tygodnie "
                "wcześniej. Weź gotówkę.",
            ],
        },
        "zh-hans": {
            "titles": [
                "{month}计划在{place}走{days}天：路线怎么安排？",
                "第一次多日徒步去{place}，每天走多远合适？",
            ],
            "bodies": [
                "两个人，体能还行，走过很多一日线，但没在外面过过夜。每天爬升多少"
                "合适？需要提前订营地或小屋吗？"
            ],
            "replies": [
                "第一次多日线建议每天爬升一千米左右，或者走六个小时。第三天通常最累。",
                "旺季一定要提前预订住宿，{month}热门的地方几周前就满了。",
            ],
        },
    },
    {
        "key": "hike-trip-report",
        "kind": "discussion",
        "tags": ["trip-report"],
        "en": {
            "titles": [
                "Trip report: {days} days {in_place} {month}",
                "{in_place} in two days: photos and notes",
                "Finally did it: my {days}-day loop {in_place}",
            ],
            "bodies": [
                "Just back from {days} days {in_place}. Quick notes for anyone planning "
                "something similar:\n\n- **Weather:** two perfect days, one of sideways rain.\n"
                "- **Kit MVP:** the {gear}. Kept me dry when it mattered.\n- **Mistake:** not "
                "enough snacks on day two.\n\nAsk away if you have questions!",
                "Went {in_place} {month} with a friend. Long days, tired legs, best views of "
                "the year. The {gear} earned its place in the pack. Full route below, happy "
                "to share the GPX.",
            ],
            "replies": [
                "What a trip! How busy were the trails {month}?",
                "Sideways rain is a rite of passage. Glad the kit held up.",
                "Adding this to my list. Did you need to book anything in advance?",
                "Brilliant write-up, thanks for taking the time.",
            ],
        },
        "it": {
            "titles": [
                "Racconto: {days} giorni {in_place} {month}",
                "Finalmente fatto il mio anello {in_place}",
            ],
            "bodies": [
                "Appena tornato da {days} giorni {in_place}. Due giorni perfetti, uno "
                "di pioggia. Il {gear} mi ha salvato. Chiedete pure!"
            ],
            "replies": [
                "Che giro! C'era tanta gente sui sentieri?",
                "Bellissimo, lo aggiungo alla lista. Grazie del racconto!",
            ],
        },
        "lv": {
            "titles": [
                "Pārgājiena stāsts: {days} dienas {in_place} {month}",
                "Beidzot izgāju savu loku {in_place}",
            ],
            "bodies": [
                "Tikko atgriezos no {days} dienām {in_place}. Divas perfektas dienas, "
                "viena lietaina. {gear} bija zelta vērts. Jautājiet!"
            ],
            "replies": [
                "Kāds brauciens! Vai takās bija daudz cilvēku?",
                "Pievienoju savam sarakstam, paldies par stāstu!",
            ],
        },
        "pl": {
            "titles": [
                "Relacja: {days} dni {in_place} {month}",
                "W końcu zrobiłem swoją pętlę {in_place}",
            ],
            "bodies": [
                "Właśnie wróciłem z {days} dni {in_place}. Dwa idealne dni, jeden "
                "ulewny. {gear} uratował wyjazd. Pytajcie śmiało!"
            ],
            "replies": [
                "Super wyjazd! Dużo ludzi na szlakach?",
                "Dopisuję do listy, dzięki za relację!",
            ],
        },
        "zh-hans": {
            "titles": ["游记：{month}在{place}的{days}天", "终于走完了{place}环线"],
            "bodies": [
                "刚从{place}回来，走了{days}天。两天晴天，一天大雨。{gear}立了大功。有问题尽管问！"
            ],
            "replies": ["太棒了！{month}路上人多吗？", "加入我的清单了，感谢分享！"],
        },
    },
    {
        "key": "trekking-poles",
        "kind": "question",
        "tags": ["trekking-poles", "knees"],
        "gear": ["Kestrel trekking poles"],
        "en": {
            "titles": [
                "Trekking poles: worth it for knees on steep descents {in_place}?",
                "Folding or telescopic poles for a {days}-day trek?",
            ],
            "bodies": [
                "My knees complain after long descents. Everyone {in_place} seems to "
                "use poles. Do they actually help, and which type packs best?"
            ],
            "replies": [
                "Yes. Studies and my knees agree: poles take a noticeable load off on the way "
                "down. Shorten them 5–10 cm for descents.",
                "Folding poles like the Kestrel pack smaller and are quicker to stow on "
                "scrambly bits. Telescopic ones adjust more, which is nice on long traverses.",
                "Learn to use the straps properly: hand up through the loop, then grip. Your "
                "wrist takes the load instead of your fingers.",
            ],
        },
        "it": {
            "titles": ["Bastoncini: servono davvero per le ginocchia {in_place}?"],
            "bodies": [
                "Dopo le discese lunghe le ginocchia fanno male. I bastoncini aiutano "
                "davvero? Pieghevoli o telescopici?"
            ],
            "replies": [
                "Sì, in discesa scaricano molto le ginocchia. Accorciali di 5-10 cm.",
                "I pieghevoli come i Kestrel stanno nello zaino quando si arrampica.",
            ],
        },
        "lv": {
            "titles": ["Nūjas: vai tiešām palīdz ceļgaliem nokāpienos {in_place}?"],
            "bodies": [
                "Pēc gariem nokāpieniem sāp ceļi. Vai nūjas palīdz? Salokāmās vai teleskopiskās?"
            ],
            "replies": [
                "Jā, nokāpienos tās ievērojami atslogo ceļus. Saīsini tās par 5–10 cm.",
                "Salokāmās, piemēram, Kestrel, ir ērtāk ielikt somā.",
            ],
        },
        "pl": {
            "titles": ["Kijki: czy naprawdę pomagają kolanom na zejściach {in_place}?"],
            "bodies": [
                "Po długich zejściach bolą mnie kolana. Kijki pomagają? Składane czy teleskopowe?"
            ],
            "replies": [
                "Tak, na zejściach odciążają kolana. Skróć je o 5–10 cm.",
                "Składane, jak Kestrel, łatwiej schować przy wspinaczce.",
            ],
        },
        "zh-hans": {
            "titles": ["登山杖在{place}下坡真的能保护膝盖吗？"],
            "bodies": ["长下坡后膝盖疼。登山杖真的有用吗？折叠的还是伸缩的好？"],
            "replies": [
                "有用，下坡时能明显减轻膝盖负担，记得调短五到十厘米。",
                "折叠杖比如Kestrel收起来更小，爬石头的时候方便收。",
            ],
        },
    },
    {
        "key": "storms-safety",
        "kind": "question",
        "tags": ["weather", "safety"],
        "en": {
            "titles": [
                "Afternoon thunderstorms {in_place}: how early do you start?",
                "Caught by a storm on a ridge {in_place}: what should I have done?",
            ],
            "bodies": [
                "Forecasts {in_place} {month} show storms most afternoons. How early "
                "do people actually start, and what's your plan if one catches you "
                "above the treeline?"
            ],
            "replies": [
                "Aim to be off exposed ground by 1 pm. That usually means leaving the hut at "
                "first light, around 5:30 {month}.",
                "If you're caught: get off the ridge, away from metal cables and lone trees, "
                "crouch on your pack and spread the group out.",
                "Watch the cumulus from mid-morning. If they're towering by 11, turn around. "
                "The summit will still be there next year.",
            ],
        },
        "it": {
            "titles": ["Temporali pomeridiani {in_place}: a che ora partite?"],
            "bodies": [
                "{month} le previsioni danno temporali quasi ogni pomeriggio. Come vi organizzate?"
            ],
            "replies": [
                "Fuori dalle creste entro le 13: partenza all'alba dal rifugio.",
                "Se ti prende in cresta: scendi, stai lontano dai cavi della ferrata e "
                "separa il gruppo.",
            ],
        },
        "lv": {
            "titles": ["Pēcpusdienas negaisi {in_place}: cikos jūs startējat?"],
            "bodies": [
                "{month} prognozes rāda negaisus gandrīz katru pēcpusdienu. Kā jūs plānojat dienu?"
            ],
            "replies": [
                "Centies būt nost no atklātām grēdām līdz 13:00, tātad starts ausmā.",
                "Ja negaiss pārsteidz: kāp lejā, turies tālāk no metāla troses.",
            ],
        },
        "pl": {
            "titles": ["Popołudniowe burze {in_place}: o której wychodzicie?"],
            "bodies": [
                "{month} prognozy pokazują burze prawie każdego popołudnia. Jak planujecie dzień?"
            ],
            "replies": [
                "Zejdź z grani do 13:00, czyli wyjście o świcie.",
                "Jeśli złapie cię burza: schodź z grani, z dala od łańcuchów.",
            ],
        },
        "zh-hans": {
            "titles": ["{place}午后雷暴：你们几点出发？"],
            "bodies": ["{month}的天气预报几乎每天下午都有雷暴，大家怎么安排行程？"],
            "replies": [
                "尽量中午一点前离开山脊，也就是天一亮就出发。",
                "如果被雷暴困住：马上下山脊，远离金属护栏和孤树，队员分散开。",
            ],
        },
    },
]
