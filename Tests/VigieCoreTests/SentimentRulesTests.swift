import Foundation
import Testing
@testable import VigieCore

/// One test per rule of SentimentAnalyzer, on the rule-based score (the calibration is tested by
/// the accuracy suite).
@Suite struct SentimentRulesTests {
    let analyzer: SentimentAnalyzer

    init() throws {
        analyzer = try LanguageTestSupport.analyzer.get()
    }

    func score(_ text: String, _ language: String) -> SentimentScore { analyzer.score(text, language: language) }

    func evidence(_ text: String, _ language: String, word: String) -> SentimentEvidence? {
        score(text, language).evidence.first { $0.text.lowercased() == word }
    }

    @Test func englishNegationFlips() throws {
        #expect(score("This movie is good", "en").compound > 0.3)
        #expect(score("This movie is not good", "en").compound < 0)
        #expect(score("This movie isn't good", "en").compound < 0)
        #expect(score("I never liked it", "en").compound < 0)
        let good = try #require(evidence("This movie is not good", "en", word: "good"))
        #expect(good.rules.contains { $0.contains("negated by 'not'") })
    }

    @Test func frenchNegationFlipsWithAndWithoutNe() {
        #expect(score("J'aime ce film", "fr").compound > 0.3)
        #expect(score("Je n'aime pas ce film", "fr").compound < 0)
        #expect(score("J'aime pas ce film", "fr").compound < 0)
        #expect(score("Ce n'est jamais bon", "fr").compound < 0)
        #expect(score("Aucun plaisir", "fr").compound < 0)
    }

    @Test func frenchNegationAppliesOnce() throws {
        // "ne" and "pas" both stand before "content": one negation, not two that cancel.
        let content = try #require(evidence("Je ne suis pas heureux", "fr", word: "heureux"))
        #expect(content.valence < 0)
        #expect(content.rules.filter { $0.hasPrefix("negated") }.count == 1)
    }

    @Test func frenchPlusNegatesOnlyAfterNe() {
        #expect(score("Je n'aime plus ce quartier", "fr").compound < 0)
        #expect(score("C'est plus beau qu'avant", "fr").compound > 0)
    }

    @Test func elisionsAreSplit() throws {
        let adore = try #require(evidence("J'adore ce quartier", "fr", word: "adore"))
        #expect(adore.valence > 0)
        #expect(score("J'adore", "fr").compound > 0)
    }

    @Test func idiomsAreNotNegated() throws {
        // "c'est pas terrible" is a complaint; "pas" must not turn "terrible" into praise.
        #expect(score("C'est pas terrible", "fr").compound < 0)
        #expect(score("Ce n'est pas terrible", "fr").compound < 0)
        #expect(score("Pas mal du tout", "fr").compound > 0)
        let idiom = try #require(score("C'est pas terrible", "fr").evidence.first)
        #expect(idiom.kind == .idiom)
        #expect(idiom.text == "pas terrible")
    }

    @Test func contrastWeighsThePartAfterMais() throws {
        let result = score("Le film est bon mais la fin est nulle et triste", "fr")
        #expect(result.compound < 0)
        #expect(result.rules.contains { $0.contains("contrast 'mais'") })
        let bon = try #require(result.evidence.first { $0.text == "bon" })
        #expect(abs(bon.valence - bon.lexiconValence * 0.5) < 1e-9)
        #expect(score("The food was bad but the staff were wonderful", "en").compound > 0)
    }

    @Test func boostersAndDampeners() throws {
        let plain = try #require(evidence("c'est bon", "fr", word: "bon"))
        let boosted = try #require(evidence("c'est très bon", "fr", word: "bon"))
        #expect(boosted.valence > plain.valence)
        #expect(boosted.rules.contains { $0.contains("'très'") })
        let english = try #require(evidence("it is extremely good", "en", word: "good"))
        let dampened = try #require(evidence("it is slightly good", "en", word: "good"))
        #expect(english.valence > dampened.valence)
    }

    @Test func emojiAndEmoticonsCarrySentiment() throws {
        #expect(score("Le match ce soir 😍", "fr").compound > 0)
        #expect(score("Le match ce soir 😢", "fr").compound < 0)
        #expect(score("see you tomorrow :)", "en").compound > 0)
        #expect(score("see you tomorrow :(", "en").compound < 0)
        // With or without the emoji variation selector.
        let heart = try #require(score("Ce quartier \u{2764}\u{FE0F}", "fr").evidence.first { $0.kind == .emoji })
        #expect(heart.valence > 0)
        #expect(EmojiLexicon.key("\u{1F44D}\u{1F3FD}") == "\u{1F44D}")   // skin tones fold to the base emoji
    }

    @Test func exclamationAndCapitalsAmplify() {
        let plain = score("This is good", "en").compound
        #expect(score("This is good!!!", "en").compound > plain)
        #expect(score("This is GOOD", "en").compound > plain)
    }

    @Test func hashtagsAreScoredByTheirWord() {
        #expect(score("Encore un lundi #bonheur", "fr").compound > 0)
    }

    @Test func otherLanguagesUseEmojiOnlyAndSaySo() {
        let result = analyzer.analyze("Das ist gut 😍", language: "de")
        #expect(result.rules.first?.contains("no lexicon") == true)
        #expect(result.evidence.allSatisfy { $0.kind == .emoji || $0.kind == .emoticon })
        #expect(result.label == .positive)
    }

    @Test func unknownLanguagePicksTheLexiconThatKnowsMoreWords() {
        #expect(analyzer.analyze("Je déteste vraiment cette horrible décision", language: nil).language == "fr")
        #expect(analyzer.analyze("I really hate this horrible decision", language: nil).language == "en")
    }

    @Test func resultExplainsItself() {
        let result = analyzer.analyze("J'adore cette musique, elle est vraiment belle 😍", language: "fr")
        #expect(result.label == .positive)
        #expect(abs(result.probabilities.values.reduce(0, +) - 1) < 1e-9)
        #expect(result.drivers(limit: 2).count == 2)
        #expect(result.evidence.map(\.text).contains("adore"))
        #expect((-1...1).contains(result.score))
    }
}
