/// The words the generator writes with. Templates hold slots: `{t}` a topic term (or the main
/// keyword), `{t2}` a second topic term, `{s}` a sentiment phrase, `{e}` an emoji, `{o}` an
/// everyday subject, `{p}` a city. None of the everyday words belongs to a topic.
enum Lexicon {
    struct Texts {
        var onTopic: [String]
        var offTopic: [String]
        var replyOnTopic: [String]
        var replyOffTopic: [String]
        var quote: [String]
        var everyday: [String]
        var places: [String]
        var positive: [String]
        var negative: [String]
        var neutral: [String]
        var spam: [String]
        var campaign: [String]
        var bios: [String]
        var expertBios: [String]
        var firstNames: [String]
        var lastNames: [String]
    }

    static let french = Texts(
        onTopic: [
            "Je viens de lire un article sur {t}, {s} {e}",
            "Franchement, {t} ça change tout {e}",
            "Qu'est-ce que vous pensez de ça : {t} ? {s}",
            "L'avenir, c'est {t}. {s}",
            "Petit retour d'expérience sur {t} et {t2}, {s}",
            "On parle trop peu de {t}. {s}",
            "D'après moi {t} mérite plus d'attention que {t2}",
            "Belle journée pour {t} aujourd'hui {e}",
            "Quelqu'un a testé {t} ? J'hésite encore",
            "Le débat sur {t} est relancé, {s}",
            "Ce matin à {p}, discussion passionnante sur {t} {e}",
            "J'ai enfin compris l'intérêt de {t}, {s}",
        ],
        offTopic: [
            "Encore un lundi sous la pluie à {p} {e}",
            "Quelqu'un a vu {o} ? {s}",
            "Je cherche {o}, des conseils ?",
            "Pause café avant la réunion {e}",
            "Le week-end approche enfin, {s}",
            "Toujours pas remis de {o}, {s}",
            "Qu'il fait beau à {p} aujourd'hui {e}",
            "J'ai passé la soirée avec {o}, {s}",
            "Bon, qui d'autre est bloqué dans les bouchons à {p} ?",
            "Journée chargée, mais on avance {e}",
        ],
        replyOnTopic: [
            "Tout à fait d'accord, {t} c'est l'essentiel {e}",
            "Pas sûr, {t} n'est pas si simple",
            "Merci pour le partage sur {t} !",
            "Exactement ce que je disais sur {t}, {s}",
            "Tu as des sources sur {t} ?",
        ],
        replyOffTopic: [
            "Tout à fait d'accord {e}",
            "Merci pour le partage !",
            "Exactement ce que je pensais, {s}",
            "Haha, c'est tellement vrai",
            "Bien vu {e}",
        ],
        quote: [
            "À lire absolument {e}",
            "Ça vaut le détour, {s}",
            "Voilà qui résume bien la situation",
            "Je partage, {s}",
        ],
        everyday: ["la série de ce soir", "mon nouveau téléphone", "les soldes", "le concert d'hier",
                   "un bon livre", "la réunion de lundi", "les vacances", "mon chat", "les embouteillages",
                   "le dernier album de Zaz", "un appartement à louer", "l'émission d'hier soir"],
        places: ["Paris", "Lyon", "Marseille", "Lille", "Nantes", "Bordeaux", "Toulouse", "Strasbourg", "Rennes"],
        positive: ["c'est génial", "j'adore", "vraiment top", "quel plaisir", "super nouvelle",
                   "bravo à l'équipe", "très réussi", "je suis ravie"],
        negative: ["c'est nul", "je suis déçu", "quelle galère", "vraiment décevant", "c'est inadmissible",
                   "on en a marre", "catastrophique", "j'en ai assez"],
        neutral: ["à suivre", "on verra bien", "plus d'infos bientôt", "affaire à suivre"],
        spam: ["Gagnez jusqu'à 500€ par jour depuis chez vous, cliquez ici",
               "Offre exclusive limitée, ne ratez pas ça",
               "Des milliers d'abonnés en 24h, livraison rapide",
               "Le secret que les banques ne veulent pas que vous connaissiez"],
        campaign: ["Il est temps d'agir sur {t} : lisez ceci et partagez",
                   "Ils ne veulent pas que vous sachiez la vérité sur {t}",
                   "Mobilisation générale sur {t}, signez la pétition",
                   "Le scandale de {t} enfin révélé, faites tourner"],
        bios: ["Passionnée de {o} et de bons cafés", "Papa, ingénieur, {p}", "Prof de maths à {p}",
               "Avis perso, ne reflète pas mon employeur", "Lectrice, randonneuse, curieuse",
               "Étudiant à {p}", "Je tweete sur tout et rien", "Infirmière de nuit à {p}"],
        expertBios: ["{b} à {p}. J'écris sur {t}.", "{b}, passionné depuis 15 ans", "{b} · {t} · {p}"],
        firstNames: ["Marie", "Camille", "Léa", "Chloé", "Manon", "Inès", "Julien", "Thomas", "Nicolas",
                     "Hugo", "Lucas", "Émilie", "Sophie", "Antoine", "Mathilde", "Théo", "Élodie", "Karim",
                     "Yasmine", "Pierre", "Aurélie", "Sébastien", "Noémie", "Raphaël"],
        lastNames: ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
                    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Fontaine", "Rousseau",
                    "Benali", "Mercier", "Girard", "Bonnet", "Lambert", "Faure", "Chevalier"]
    )

    static let english = Texts(
        onTopic: [
            "Just read a piece about {t}, {s} {e}",
            "Honestly, {t} changes everything {e}",
            "What do you think about {t}? {s}",
            "The future is {t}. {s}",
            "Quick thoughts on {t} and {t2}, {s}",
            "We don't talk enough about {t}. {s}",
            "{t} deserves more attention than {t2}",
            "Great day for {t} {e}",
            "Anyone tried {t}? Still on the fence",
            "The debate over {t} is back, {s}",
            "This morning in {p}, a great chat about {t} {e}",
            "I finally get why people care about {t}, {s}",
        ],
        offTopic: [
            "Another rainy Monday in {p} {e}",
            "Did anyone watch {o}? {s}",
            "Looking for {o}, any tips?",
            "Coffee break before the meeting {e}",
            "The weekend is almost here, {s}",
            "Still not over {o}, {s}",
            "Lovely weather in {p} today {e}",
            "Spent the evening with {o}, {s}",
            "Who else is stuck in traffic in {p}?",
            "Busy day, but we're getting there {e}",
        ],
        replyOnTopic: [
            "Totally agree, {t} is what matters {e}",
            "Not so sure, {t} is more complicated",
            "Thanks for sharing this on {t}!",
            "Exactly what I said about {t}, {s}",
            "Do you have sources on {t}?",
        ],
        replyOffTopic: [
            "Totally agree {e}",
            "Thanks for sharing!",
            "Exactly what I was thinking, {s}",
            "Haha, so true",
            "Good point {e}",
        ],
        quote: [
            "Must read {e}",
            "Worth your time, {s}",
            "This sums it up nicely",
            "Sharing this, {s}",
        ],
        everyday: ["the new series", "my new phone", "the sales", "last night's concert", "a good book",
                   "Monday's meeting", "the holidays", "my cat", "the traffic", "Taylor's new album",
                   "a flat to rent", "last night's show"],
        places: ["London", "Manchester", "Leeds", "Bristol", "New York", "Boston", "Chicago", "Austin", "Seattle"],
        positive: ["this is great", "love it", "really impressive", "such good news", "well done",
                   "amazing work", "so happy", "brilliant"],
        negative: ["this is awful", "so disappointed", "what a mess", "really frustrating", "unacceptable",
                   "terrible idea", "fed up", "a total disaster"],
        neutral: ["we'll see", "more soon", "worth a look", "to be continued"],
        spam: ["Earn $500 a day from home, click here",
               "Limited exclusive offer, don't miss out",
               "Thousands of followers in 24h, fast delivery",
               "The secret banks don't want you to know"],
        campaign: ["Time to act on {t}: read this and share",
                   "They don't want you to know the truth about {t}",
                   "Everyone mobilise on {t}, sign the petition",
                   "The {t} scandal finally exposed, spread the word"],
        bios: ["Into {o} and good coffee", "Dad, engineer, {p}", "Maths teacher in {p}",
               "Views my own", "Reader, hiker, curious mind", "Student in {p}",
               "Tweeting about everything and nothing", "Night-shift nurse in {p}"],
        expertBios: ["{b} in {p}. I write about {t}.", "{b}, hooked for 15 years", "{b} · {t} · {p}"],
        firstNames: ["Emma", "Olivia", "Amelia", "Jack", "Harry", "Oliver", "James", "Sophia", "Ethan",
                     "Mia", "Noah", "Chloe", "Daniel", "Grace", "Ryan", "Hannah", "Liam", "Zoe", "Priya",
                     "Marcus", "Aisha", "Connor", "Megan", "Tyler"],
        lastNames: ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
                    "Wright", "Walker", "Evans", "Miller", "Garcia", "Clark", "Lewis", "Young", "Hall",
                    "Allen", "King", "Scott", "Green", "Baker", "Hughes"]
    )

    static let positiveEmoji = ["😍", "👍", "🎉", "🙌", "😊", "🔥"]
    static let negativeEmoji = ["😡", "😞", "🙄", "😤", "💀"]
    static let neutralEmoji = ["🤔", "👀", "📌", "☕"]

    /// Hashtags with no use before their onset: names nobody else uses.
    static let emergingTags = ["ProjetAurore", "NeonHarvest", "GrandeMarée", "OpérationZéphyr", "SolarSunday",
                               "LumièreNoire", "QuietCoast", "BlueHarbor"]

    static let genericTags = ["lundi", "weekend", "MondayMotivation", "ThrowbackThursday", "news", "actu", "photo"]
    static let genericDomains = ["lemonde.fr", "bbc.co.uk", "nytimes.com", "francetvinfo.fr", "theguardian.com",
                                 "liberation.fr", "reuters.com"]
    static let spamDomains = ["bit-gains.biz", "promo-flash.shop", "fastfollowers.click", "crypto-boost.top"]
    static let spamTags = ["giveaway", "crypto", "promo", "FreeFollowers", "airdrop"]

    /// Posting applications: people use the official ones, bots one automation tool each.
    static let humanSources = ["Twitter for iPhone", "Twitter for Android", "Twitter Web App", "Twitter for iPad"]
    static let schedulerSources = ["Buffer", "Hootsuite Inc."]
    static let botSources = ["AutoPoster", "dlvr.it", "PostBot Pro"]

    /// Rare hashtags and sites of coordinated groups (a number is added to each tag).
    static let campaignTags = ["ReveilCitoyen", "VeriteCachee", "WakeUpNow", "TruthMatters", "StopTheLies",
                               "LibertéAvantTout", "OnNeLâcheRien", "PeupleUni", "RiseTogether", "SilentMajority",
                               "ParoleLibre", "NoMoreSpin"]
    static let campaignDomains = ["info-libre.net", "la-verite-cachee.fr", "patriot-news.co", "reveil-media.fr",
                                  "truthwire.info", "citizens-voice.org", "libre-actu.com", "newsfront.cc"]

    static let botWords = ["deals", "crypto", "news", "promo", "follow", "gains", "bot", "daily", "viral", "trend"]
    static let botBios = ["Follow for follow 🔥", "Best deals every day", "DM for promo", "Crypto signals 24/7"]
}
