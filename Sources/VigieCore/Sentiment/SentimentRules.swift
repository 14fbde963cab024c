/// The rules Vigie adds to the VADER packages' own, for French as tweeted. Each one is tested
/// (Tests/VigieCoreTests/SentimentRulesTests.swift); the lexicons themselves are not in the repo.
public enum SentimentRules {
    /// French negation words beyond vaderSentiment-fr's (`pas`, `jamais`, `rien`, `sans`, `ni`…).
    /// `plus` negates only after `ne`/`n'` (`je n'aime plus`; `plus beau` is a comparison), and
    /// `ne`/`n'` negate what follows them up to the verb (`je n'aime pas` negates `aime`).
    public static let frenchNegations: Set<String> = ["aucun", "aucune", "ne", "n'"]

    /// French words that negate the word just before them when `ne` is dropped, as it is in
    /// speech and on social media (`j'aime pas`, `ça marche plus`).
    public static let frenchTrailingNegations: Set<String> = ["pas", "plus", "jamais", "rien", "guere"]

    /// Idioms whose meaning is not their words' (and that negation must not flip):
    /// `c'est pas terrible` is negative, `pas mal` is praise, `trop bien` is strongly positive.
    public static let frenchIdioms: [String: Double] = [
        "pas terrible": -1.6, "pas top": -1.4, "pas ouf": -1.4, "pas genial": -1.4,
        "pas mal": 1.4, "trop bien": 2.6, "trop cool": 2.6, "trop beau": 2.6, "trop belle": 2.6,
        "n'importe quoi": -1.6, "mort de rire": 2.0, "ras le bol": -2.2, "en avoir marre": -2.0,
    ]

    /// English additions to VADER's own special cases.
    public static let englishIdioms: [String: Double] = [:]
}
