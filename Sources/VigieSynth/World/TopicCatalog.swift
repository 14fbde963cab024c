/// A topic as the generator plants it: a main keyword per language, and the vocabulary,
/// hashtags and link domains that on-topic posts use instead of the keyword most of the time.
/// No term, hashtag or domain contains a main keyword, so that a keyword search misses them.
struct Topic: Sendable {
    var name: String
    /// Main keyword in French and in English.
    var keywordFrench: String
    var keywordEnglish: String
    /// The French keyword with its article, as a sentence uses it (`le vélo`).
    var keywordPhraseFrench: String
    var vocabularyFrench: [String]
    var vocabularyEnglish: [String]
    var hashtags: [String]
    var domains: [String]
    /// Words that an expert's bio carries.
    var bioFrench: [String]
    var bioEnglish: [String]
}

enum TopicCatalog {
    static let all: [Topic] = [
        Topic(
            name: "cycling", keywordFrench: "vélo", keywordEnglish: "cycling", keywordPhraseFrench: "le vélo",
            vocabularyFrench: ["les pistes cyclables", "le Tour de France", "la bicyclette", "mon cadre carbone",
                               "les cyclistes du matin", "le peloton", "un VAE", "le dérailleur",
                               "les sorties en gravel", "la petite reine", "le col du Galibier", "les véloroutes"],
            vocabularyEnglish: ["bike lanes", "the Tour de France", "my new carbon frame", "the peloton",
                                "gravel rides", "e-bikes", "the derailleur", "commuting by bike",
                                "cyclists", "a century ride", "the bike shop", "clipless pedals"],
            hashtags: ["BikeToWork", "cyclisme", "TourDeFrance", "gravel", "VAE", "bicyclette", "ebike", "pistescyclables"],
            domains: ["cyclonews.fr", "peloton-mag.fr", "bikeradar.com", "gravelride.co.uk"],
            bioFrench: ["cycliste urbain", "mécano deux-roues", "coach cyclisme"],
            bioEnglish: ["bike commuter", "cycling coach", "bike mechanic"]
        ),
        Topic(
            name: "artificial-intelligence", keywordFrench: "intelligence artificielle",
            keywordEnglish: "artificial intelligence", keywordPhraseFrench: "l'intelligence artificielle",
            vocabularyFrench: ["les grands modèles de langage", "ChatGPT", "les réseaux de neurones",
                               "l'apprentissage automatique", "les LLM", "l'éthique des algorithmes",
                               "les agents autonomes", "la vision par ordinateur", "les GPU", "le deep learning"],
            vocabularyEnglish: ["large language models", "machine learning", "neural networks", "LLMs",
                                "GPUs", "prompt engineering", "deep learning", "computer vision",
                                "autonomous agents", "model alignment"],
            hashtags: ["MachineLearning", "LLM", "DeepLearning", "ChatGPT", "NeurIPS", "DataScience", "MLOps"],
            domains: ["arxiv.org", "huggingface.co", "actuia.com", "thegradient.pub"],
            bioFrench: ["chercheuse en apprentissage automatique", "ingénieur ML", "data scientist"],
            bioEnglish: ["ML researcher", "NLP engineer", "data scientist"]
        ),
        Topic(
            name: "climate", keywordFrench: "climat", keywordEnglish: "climate", keywordPhraseFrench: "le climat",
            vocabularyFrench: ["la transition énergétique", "les émissions de CO2", "la canicule", "le GIEC",
                               "la sobriété énergétique", "les énergies renouvelables", "la fonte des glaciers",
                               "le réchauffement", "la neutralité carbone", "les sécheresses"],
            vocabularyEnglish: ["carbon emissions", "the energy transition", "heatwaves", "the IPCC report",
                                "renewables", "net zero", "melting glaciers", "global warming",
                                "carbon capture", "droughts"],
            hashtags: ["COP30", "NetZero", "GIEC", "IPCC", "transitionenergetique", "renouvelables", "FridaysForFuture"],
            domains: ["reporterre.net", "carbonbrief.org", "bonpote.com", "insideclimatenews.org"],
            bioFrench: ["glaciologue", "ingénieure énergie", "militant écolo"],
            bioEnglish: ["climate scientist", "energy analyst", "environmental reporter"]
        ),
        Topic(
            name: "cooking", keywordFrench: "cuisine", keywordEnglish: "cooking", keywordPhraseFrench: "la cuisine",
            vocabularyFrench: ["une tarte aux pommes", "le bœuf bourguignon", "les recettes de saison",
                               "un risotto crémeux", "la pâte feuilletée", "le marché du dimanche",
                               "les épices", "le pain au levain", "un gratin dauphinois", "les fromages affinés"],
            vocabularyEnglish: ["sourdough bread", "a slow-cooked stew", "seasonal recipes", "homemade pasta",
                                "the farmers market", "meal prep", "spices", "a crispy roast chicken",
                                "knife skills", "fermented vegetables"],
            hashtags: ["recette", "foodie", "faitmaison", "homemade", "sourdough", "batchcooking", "yummy"],
            domains: ["marmiton.org", "seriouseats.com", "750g.com", "bbcgoodfood.com"],
            bioFrench: ["cheffe à domicile", "pâtissier amateur", "blogueuse recettes"],
            bioEnglish: ["home chef", "food writer", "pastry nerd"]
        ),
        Topic(
            name: "football", keywordFrench: "football", keywordEnglish: "soccer", keywordPhraseFrench: "le football",
            vocabularyFrench: ["la Ligue 1", "le mercato", "les Bleus", "le PSG", "la séance de tirs au but",
                               "la Coupe du monde", "le gardien", "le derby", "l'OM", "la VAR"],
            vocabularyEnglish: ["the Premier League", "the transfer window", "the World Cup", "penalty shootouts",
                                "the Champions League", "the goalkeeper", "the derby", "the VAR decision",
                                "the USMNT", "the MLS playoffs"],
            hashtags: ["Ligue1", "PremierLeague", "mercato", "UCL", "MLS", "TeamOM", "EURO"],
            domains: ["lequipe.fr", "footmercato.net", "theathletic.com", "skysports.com"],
            bioFrench: ["analyste tactique", "journaliste sportif", "entraîneur U17"],
            bioEnglish: ["tactics analyst", "sports reporter", "youth coach"]
        ),
        Topic(
            name: "video-games", keywordFrench: "jeu vidéo", keywordEnglish: "video games", keywordPhraseFrench: "le jeu vidéo",
            vocabularyFrench: ["la Switch", "les speedruns", "le dernier Zelda", "les jeux indés", "l'e-sport",
                               "les manettes", "le rétrogaming", "les soldes Steam", "le multijoueur"],
            vocabularyEnglish: ["indie games", "speedruns", "the new Zelda", "esports", "game streams",
                                "retro consoles", "the Steam sale", "co-op campaigns", "controller drift"],
            hashtags: ["gaming", "indiegame", "esport", "speedrun", "NintendoSwitch", "retrogaming"],
            domains: ["jeuxvideo.com", "gamekult.com", "polygon.com", "ign.com"],
            bioFrench: ["développeuse de jeux", "speedrunner", "streameur"],
            bioEnglish: ["game developer", "speedrunner", "streamer"]
        ),
    ]
}
