"""Building blocks for replies that fit any topic, per language.

A reply is composed as [opener] + core + [closer]; the core is a subject's own answer (see
subjects/) or one of the lines below. {who} is an @mention, {gear}/{in_place}/{place}/{month}
are filled from the topic so a thread stays about one trip.
"""

OPENERS = {
    "en": [
        "Good question.",
        "I had exactly the same dilemma last year.",
        "Been there!",
        "Short answer: yes, with a caveat.",
        "Speaking from a fair few trips:",
        "Not an expert, but here's what worked for me.",
        "Great thread, this.",
        "Oh, I can help with this one.",
        "Funny, I was about to ask the same thing.",
        "Two seasons of trial and error later:",
        "Late to this, but",
        "Agree with most of the above.",
    ],
    "it": [
        "Bella domanda.",
        "Ci sono passato anch'io!",
        "Ti rispondo per esperienza:",
        "Non sono un esperto, però",
        "Stesso dubbio l'anno scorso.",
        "Ottimo thread.",
        "Provo a darti una mano.",
    ],
    "lv": [
        "Labs jautājums.",
        "Man bija tieši tāda pati dilemma.",
        "Esmu to piedzīvojis!",
        "Neesmu eksperts, bet",
        "No savas pieredzes:",
        "Lielisks pavediens.",
    ],
    "pl": [
        "Dobre pytanie.",
        "Miałem dokładnie ten sam dylemat.",
        "Z własnego doświadczenia:",
        "Nie jestem ekspertem, ale",
        "Znam to!",
        "Świetny wątek.",
        "Spróbuję pomóc.",
    ],
    "zh-hans": [
        "好问题。",
        "我去年也纠结过这个。",
        "说说我的经验：",
        "不是专家，但是",
        "同问过！",
        "这个帖子太有用了。",
    ],
}

CLOSERS = {
    "en": [
        "Hope that helps!",
        "Have a brilliant trip.",
        "Report back how it goes!",
        "Happy to share my packing list if useful.",
        "Enjoy, and send photos!",
        "Stay safe out there.",
        "Good luck!",
    ],
    "it": [
        "Spero di esserti stato utile!",
        "Buon viaggio!",
        "Facci sapere com'è andata!",
        "Manda qualche foto!",
        "In bocca al lupo!",
    ],
    "lv": ["Ceru, ka noderēs!", "Lai izdodas!", "Pastāsti, kā gāja!", "Gaidīsim bildes!"],
    "pl": [
        "Mam nadzieję, że pomogłem!",
        "Udanej wyprawy!",
        "Daj znać, jak poszło!",
        "Czekamy na zdjęcia!",
        "Powodzenia!",
    ],
    "zh-hans": ["希望有帮助！", "祝旅途愉快！", "回来记得分享照片！", "注意安全！", "加油！"],
}

# Replies for any thread: agreement, stories, small follow-up questions.
CHATTER = {
    "en": [
        "Saving this thread for my trip {month}.",
        "This is the kind of thread that makes this community worth it. Thanks all.",
        "I was {in_place} {month} last year and conditions changed fast. Pack for all four "
        "seasons and check the forecast the night before, not the week before.",
        "How did the {gear} hold up? Thinking of getting one.",
        "+1 for the {gear}. Two years in and it still looks new.",
        "Did you book huts in advance or just turn up? Everything I look at seems full {month}.",
        "Slightly off-topic, but does anyone know if the shop ships to Norway yet?",
        "Ha, that's my local patch. Give me a shout next time you're around.",
        "The best advice I ever got: start earlier than you think you need to.",
        "Going {in_place} {month} too! Maybe we'll cross paths.",
        "Sounds amazing. I really need to get {in_place} one of these days.",
        "Honestly the {gear} is one of the few things I've bought that I'd buy again "
        "without thinking.",
        "Weather permitting I'm doing something similar next month, will report back.",
    ],
    "it": [
        "Salvo il thread per il mio giro {month}.",
        "Ero {in_place} {month} l'anno scorso: il meteo cambia in fretta, porta sempre "
        "uno strato in più.",
        "Come si è comportato il {gear}? Sto pensando di prenderlo.",
        "+1 per il {gear}, dopo due stagioni è ancora perfetto.",
        "Rifugi prenotati in anticipo o all'avventura? {month} sembra tutto pieno.",
        "Ci vado anch'io {month}! Magari ci incrociamo.",
    ],
    "lv": [
        "Saglabāju šo pavedienu savam braucienam {month}.",
        "Biju {in_place} {month} pagājušajā gadā: laikapstākļi mainās ātri, ņem līdzi "
        "papildu slāni.",
        "Kā sevi parādīja {gear}? Domāju iegādāties.",
        "+1 par {gear}, pēc divām sezonām joprojām kā jauns.",
        "Arī es būšu {in_place} {month}! Varbūt satiksimies.",
    ],
    "pl": [
        "Zapisuję wątek na mój wyjazd {month}.",
        "Byłem {in_place} {month} rok temu: pogoda zmienia się błyskawicznie, zawsze "
        "zabieraj dodatkową warstwę.",
        "Jak sprawdził się {gear}? Zastanawiam się nad zakupem.",
        "+1 dla {gear}, po dwóch sezonach wygląda jak nowy.",
        "Też będę {in_place} {month}! Może się miniemy na szlaku.",
        "Schroniska rezerwowaliście wcześniej? {month} wszystko wygląda na zajęte.",
    ],
    "zh-hans": [
        "收藏了，{month}出发前再看一遍。",
        "去年{month}我在{place}，天气变化很快，一定要多带一层保暖。",
        "{gear}用下来感觉怎么样？正在考虑入手。",
        "+1，{gear}用了两季还跟新的一样。",
        "我{month}也去{place}！说不定能碰到。",
    ],
}

# Only under trip, race and crag reports (subjects whose key ends in "report").
REPORT_CHATTER = {
    "en": [
        "Great write-up. Any chance you could share the GPX?",
        "Brilliant report, thanks for taking the time to write it up.",
    ],
    "it": ["Bellissimo racconto, condividi la traccia GPX?"],
    "lv": ["Lielisks apraksts! Vari padalīties ar GPX failu?"],
    "pl": ["Świetna relacja, udostępnisz ślad GPX?"],
    "zh-hans": ["写得太好了，能分享一下GPX轨迹吗？"],
}

# Replies under the brand's announcements.
ANNOUNCEMENT_REPLIES = {
    "en": [
        "Great news!",
        "Signed up. See you there!",
        "Love that you're doing this.",
        "Any chance of one {in_place} again next year?",
        "Finally! Been waiting for this.",
        "Will this be open to non-members too?",
        "Brilliant, thanks team.",
        "Can't make it this time, but please keep doing these.",
    ],
    "it": ["Ottima notizia!", "Ci sarò!", "Bellissima iniziativa, grazie!"],
    "lv": ["Lieliskas ziņas!", "Būšu klāt!", "Paldies, komanda!"],
    "pl": ["Świetna wiadomość!", "Będę!", "Super inicjatywa, dzięki!"],
    "zh-hans": ["好消息！", "报名了，到时见！", "感谢团队！"],
}

# The asker thanks whoever helped; {who} is the helper's @mention.
THANKS = {
    "en": [
        "Thanks {who}, that's exactly what I needed.",
        "{who} brilliant, ordering one today.",
        "Really helpful, thanks {who}! Going with your suggestion.",
        "Cheers {who}. Tried it this weekend and it worked a treat.",
        "Thank you all, and especially {who}. Marking this as solved.",
    ],
    "it": [
        "Grazie {who}, è proprio quello che mi serviva.",
        "{who} perfetto, seguo il tuo consiglio!",
        "Provato nel weekend, funziona. Grazie {who}!",
    ],
    "lv": [
        "Paldies, {who}, tieši to man vajadzēja.",
        "{who} lieliski, darīšu tā!",
        "Izmēģināju nedēļas nogalē, strādā. Paldies, {who}!",
    ],
    "pl": [
        "Dzięki {who}, właśnie tego potrzebowałem.",
        "{who} super, tak zrobię!",
        "Sprawdziłem w weekend, działa. Dzięki {who}!",
    ],
    "zh-hans": [
        "谢谢{who}，正是我需要的。",
        "{who} 太好了，就按你说的办！",
        "周末试了，确实有效，感谢{who}！",
    ],
}

# Pulling someone else into the thread; {who} is the member being asked.
ASK_SOMEONE = {
    "en": [
        "{who} didn't you do this last year? Would love your take.",
        "Pinging {who}, who knows this area better than anyone here.",
        "{who} you'll have an opinion on this one!",
    ],
    "it": [
        "{who} tu l'hai fatto l'anno scorso, giusto? Che ne pensi?",
        "Chiamo in causa {who}, che conosce la zona meglio di tutti.",
    ],
    "lv": [
        "{who}, tu taču to darīji pagājušgad? Ko iesaki?",
        "Piesaucu {who}, kurš šo vietu pārzina vislabāk.",
    ],
    "pl": [
        "{who} robiłeś to w zeszłym roku, prawda? Co myślisz?",
        "Wołam {who}, zna ten teren najlepiej.",
    ],
    "zh-hans": ["{who} 你去年不是走过吗？说说看？", "召唤一下{who}，这一带他最熟。"],
}

EDIT_NOTES = {
    "en": [
        "**Edit:** added the route details and fixed a typo.",
        "**Edit:** forgot to say: this was with the {gear}.",
        "**Edit:** weather update: conditions look good for the weekend.",
    ],
    "it": [
        "**Modifica:** aggiunti i dettagli del percorso.",
        "**Modifica:** dimenticavo, usavo il {gear}.",
    ],
    "lv": [
        "**Labots:** pievienoju maršruta detaļas.",
        "**Labots:** aizmirsu pieminēt, ka izmantoju {gear}.",
    ],
    "pl": [
        "**Edycja:** dodałem szczegóły trasy.",
        "**Edycja:** zapomniałem dodać, że używałem {gear}.",
    ],
    "zh-hans": ["**编辑：**补充了路线细节。", "**编辑：**忘了说，我用的是{gear}。"],
}
