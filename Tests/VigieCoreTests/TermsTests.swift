import Foundation
import Testing
@testable import VigieCore

@Suite struct TermsTests {
    let stopWords: StopWords

    init() throws {
        stopWords = try StopWords(lexicons: LanguageTestSupport.lexicons(), languages: ["fr", "en", "de"])
    }

    @Test func stopWordsPerLanguage() {
        #expect(stopWords.contains("parce", language: "fr"))
        #expect(stopWords.contains("the", language: "en"))
        #expect(!stopWords.contains("the", language: "fr"))
        #expect(stopWords.contains("the", language: nil))
        #expect(stopWords.contains("rt", language: "fr"))
        #expect(stopWords.contains("apres", language: "fr-CA"))
        #expect(!stopWords.contains("velo", language: "fr"))
    }

    @Test func unknownStopWordLanguageIsAnError() {
        #expect(throws: LexiconError.self) {
            try StopWords(lexicons: LanguageTestSupport.lexicons(), languages: ["xx"])
        }
    }

    @Test func unigramsAndBigramsSkipStopWordsAndEntities() {
        let extractor = TermExtractor(stopWords: stopWords)
        let terms = extractor.terms(in: "Le réseau cyclable de Lyon s'agrandit ! @mairie #velo https://lyon.fr 😍", language: "fr")
        #expect(terms.filter { $0.words == 1 }.map(\.text) == ["reseau", "cyclable", "lyon", "agrandit"])
        // "de" breaks "cyclable lyon"; the elision "s'" does not break "lyon agrandit".
        #expect(terms.filter { $0.words == 2 }.map(\.text) == ["reseau cyclable", "lyon agrandit"])
    }

    @Test func numbersAndOneLetterWordsAreNotTerms() {
        let extractor = TermExtractor(stopWords: StopWords([:]), bigrams: false)
        #expect(extractor.terms(in: "2024 x vélo 12h", language: nil).map(\.text) == ["velo", "12h"])
    }

    @Test func counterCountsPostsNotRepeats() {
        var counter = TermCounter(extractor: TermExtractor(stopWords: stopWords))
        counter.add("vélo vélo vélo partout", language: "fr")
        counter.add("Le vélo électrique", language: "fr")
        counter.add("Piste cyclable et vélo électrique", language: "fr")
        let top = counter.top(3)
        #expect(top.first?.term == Term(text: "velo", words: 1))
        #expect(top.first?.posts == 3)
        #expect(counter.top(1, words: 2).first?.term.text == "velo electrique")
        #expect(counter.top(1, words: 2).first?.posts == 2)
        #expect(counter.posts == 3)
    }
}
