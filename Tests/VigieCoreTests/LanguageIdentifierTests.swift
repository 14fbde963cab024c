import Foundation
import Testing
@testable import VigieCore

@Suite struct LanguageIdentifierTests {
    let identifier: LanguageIdentifier

    init() throws {
        identifier = try LanguageTestSupport.identifier.get()
    }

    @Test(arguments: [
        ("fr", "Je pense que c'est une très bonne idée pour la ville"),
        ("en", "I think this is a really good idea for the city"),
        ("de", "Ich glaube, das ist eine sehr gute Idee für die Stadt"),
        ("es", "Creo que es una muy buena idea para la ciudad"),
        ("it", "Penso che sia un'ottima idea per la città"),
        ("pt", "Eu acho que é uma ideia muito boa para a cidade"),
        ("ar", "أعتقد أن هذه فكرة جيدة جدا للمدينة"),
        ("ru", "Я думаю, что это очень хорошая идея для города"),
    ])
    func identifiesEachRequiredLanguage(expected: String, text: String) {
        let answer = identifier.identify(text)
        #expect(answer.language == expected, "\(text) → \(answer)")
        #expect(answer.confidence > 0.5)
    }

    @Test func tooShortOrEmptyIsUndetermined() {
        #expect(identifier.identify("").language == "und")
        #expect(identifier.identify("ok").language == "und")
        #expect(identifier.identify("@user http://t.co/x 😂😂 #2024 123").language == "und")
    }

    @Test func linksMentionsAndHashtagMarksDoNotCount() {
        // Without the link and the mention the text is short French; the English-looking URL
        // and handle must not outvote it.
        let answer = identifier.identify("@the_best_english_news https://www.example.com/the-news-of-the-day Merci beaucoup pour votre aide")
        #expect(answer.language == "fr")
        let scored = LanguageIdentifier.scoringText("RT @user: Très bien #justiceclimatique http &amp; https://t.co/abc 2024 😂")
        #expect(scored == "Très bien justiceclimatique")
    }

    @Test func latinHashtagsInArabicTextAreIgnored() {
        let scored = LanguageIdentifier.scoringText("#السودان #sudan سولانج.. شقيقة بيونسيه تتصدر بيلبورد الأميركية")
        #expect(!scored.contains("sudan"))
        #expect(scored.hasPrefix("السودان"))
        #expect(identifier.identify("#السودان #sudan سولانج.. شقيقة بيونسيه تتصدر بيلبورد الأميركية").language == "ar")
    }

    @Test func arabicPresentationFormsAreNormalised() {
        // From the xlm-t Arabic tweets: presentation forms (U+FExx) instead of letters.
        let answer = identifier.identify("ﺳﻮﺭﻳﺎً ﻋﻠﻰ ﺍﻷﻗﻞ، ﺑﻄﺎﺋﺮﺍﺕ ﻭﺑﺮﺍﻣﻴﻞ ﻧﻈﺎﻡ")
        #expect(answer.language == "ar")
    }

    @Test func capitalsAreReadLikeLowercase() {
        #expect(identifier.identify("JE NE SUIS PAS DU TOUT CONTENT DE CETTE DÉCISION").language == "fr")
    }

    @Test func rankingSumsToOne() {
        let ranking = identifier.rank("Buongiorno a tutti, oggi è una bella giornata")
        #expect(ranking.candidates.first?.language == "it")
        #expect(abs(ranking.candidates.reduce(0) { $0 + $1.probability } - 1) < 1e-9)
        #expect(ranking.letters > 30)
    }

    @Test func unknownProfileNameIsAClearError() throws {
        #expect(throws: LanguageIdentifierError.self) {
            try LanguageIdentifier(lexicons: LanguageTestSupport.lexicons(), languages: ["fr", "klingon"])
        }
    }

    @Test func missingLexiconFolderSaysWhatToRun() {
        let error = #expect(throws: LexiconError.self) {
            try LexiconDirectory.locate(explicit: "/nonexistent/lexicons")
        }
        #expect(error?.description.contains("scripts/fetch-lexicons") == true)
    }

    @Test func environmentVariableIsUsedBeforeTheSearch() throws {
        let real = try LanguageTestSupport.lexicons()
        let found = try LexiconDirectory.locate(environment: ["VIGIE_LEXICONS": real.url.path], executablePath: "/nonexistent/vigie",
                                                currentDirectory: "/")
        #expect(found.url.path == real.url.path)
        #expect(throws: LexiconError.self) {
            try LexiconDirectory.locate(environment: [:], executablePath: "/nonexistent/bin/vigie", currentDirectory: "/nonexistent")
        }
    }

    @Test func executablePathIsWalkedUp() throws {
        let real = try LanguageTestSupport.lexicons()
        // <repo>/.cache/lexicons → <repo>/.build/release/vigie
        let repository = real.url.deletingLastPathComponent().deletingLastPathComponent()
        let executable = repository.appendingPathComponent(".build/release/vigie").path
        let found = try LexiconDirectory.locate(environment: [:], executablePath: executable, currentDirectory: "/")
        #expect(found.url.standardizedFileURL.path == real.url.standardizedFileURL.path)
    }
}

/// Accuracy on the xlm-t validation tweets (the folder name is the language). Floors sit a little
/// below the measured figures so that a regression fails; docs/text-analysis.md has the table.
@Suite struct LanguageAccuracyTests {
    @Test func validationAccuracyPerLanguage() throws {
        let identifier = try LanguageTestSupport.identifier.get()
        let root = try LanguageTestSupport.labelledTweets()
        var evaluation = LanguageEvaluation()
        for folder in try LabelledTweets.folders(root: root, split: .validation) {
            guard let truth = LabelledTweets.folderLanguages[folder] else { continue }
            for example in try LabelledTweets.load(root: root, language: folder, split: .validation).examples {
                evaluation.add(truth: truth, predicted: identifier.identify(example.text).language)
            }
        }
        let floors: [String: Double] = ["ar": 0.98, "de": 0.90, "en": 0.98, "es": 0.97, "fr": 0.96, "it": 0.95, "pt": 0.88]
        for row in evaluation.rows {
            guard let floor = floors[row.language] else { continue }
            #expect(row.accuracy >= floor, "\(row.language): \(row.accuracy) < \(floor)")
        }
        #expect(evaluation.accuracy(over: Set(floors.keys)) >= 0.95)
        #expect(evaluation.rows.count == 8)
    }
}
