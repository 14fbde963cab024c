import Foundation
import Testing
@testable import VigieCore

@Suite struct TextFoldingTests {
    @Test func foldsCaseAccentsAndLigatures() {
        #expect(TextFolding.fold("Réseau") == "reseau")
        #expect(TextFolding.fold("ÇA VA à LA PLAGE") == "ca va a la plage")
        #expect(TextFolding.fold("cœur Œuvre") == "coeur oeuvre")
        #expect(TextFolding.fold("Straße") == "strasse")
        #expect(TextFolding.fold("Ærø") == "aero")
        #expect(TextFolding.fold("aujourd’hui") == "aujourd'hui")
        #expect(TextFolding.fold("Tiếng Việt") == "tieng viet")
    }

    @Test func foldsDecomposedMarksLikePrecomposed() {
        #expect(TextFolding.fold("e\u{0301}te\u{0301}") == "ete")
    }

    @Test func keepsOtherScriptsButLowercasesThem() {
        #expect(TextFolding.fold("ПРИВЕТ мир") == "привет мир")
        #expect(TextFolding.fold("مرحبا") == "مرحبا")
        #expect(TextFolding.fold("日本語") == "日本語")
    }

    @Test func asciiLowercaseIsReturnedUnchanged() {
        #expect(TextFolding.fold("already folded 123") == "already folded 123")
        #expect(TextFolding.fold("") == "")
    }
}

@Suite struct TokenizerTests {
    private func kinds(_ text: String) -> [String] {
        Tokenizer.tokenize(text).map { token in
            switch token.kind {
            case .word: return "w:" + token.folded
            case .elision: return "e:" + token.folded
            case .hashtag: return "h:" + token.folded
            case .mention: return "m:" + token.folded
            case .url: return "u:" + token.text
            case .emoji: return "j:" + token.text
            }
        }
    }

    @Test func splitsWordsAndFoldsThem() {
        #expect(kinds("Les Réseaux, sociaux!") == ["w:les", "w:reseaux", "w:sociaux"])
        #expect(kinds("peut-être 3.5") == ["w:peut", "w:etre", "w:3", "w:5"])
    }

    @Test func splitsFrenchElisionsWithBothApostrophes() {
        #expect(kinds("l'influenceuse d’Instagram qu'il jusqu'à") ==
            ["e:l'", "w:influenceuse", "e:d'", "w:instagram", "e:qu'", "w:il", "e:jusqu'", "w:a"])
        #expect(kinds("Lorsqu’on s'abonne, puisqu'elle n'aime c'est m'a t'as j'ai") ==
            ["e:lorsqu'", "w:on", "e:s'", "w:abonne", "e:puisqu'", "w:elle", "e:n'", "w:aime",
             "e:c'", "w:est", "e:m'", "w:a", "e:t'", "w:as", "e:j'", "w:ai"])
    }

    @Test func keepsApostropheInsideOtherWords() {
        #expect(kinds("aujourd'hui don't students'") == ["w:aujourd'hui", "w:don't", "w:students"])
    }

    @Test func findsHashtagsMentionsLinksAndEmoji() {
        let tokens = Tokenizer.tokenize("Bravo @Jean.Dupont et @marie@piaille.fr 👏🏽 #Écologie https://ex.fr/a?b=1. ❤️ 🇫🇷 👨‍👩‍👧")
        #expect(tokens.map(\.kind) == [.word, .mention, .word, .mention, .emoji, .hashtag, .url, .emoji, .emoji, .emoji])
        #expect(tokens[1].folded == "jean.dupont")
        #expect(tokens[3].folded == "marie@piaille.fr")
        #expect(tokens[4].text == "👏🏽")
        #expect(tokens[5].text == "#Écologie" && tokens[5].folded == "ecologie")
        #expect(tokens[6].text == "https://ex.fr/a?b=1")
        #expect(tokens[7].text == "❤️")
        #expect(tokens[8].text == "🇫🇷")
        #expect(tokens[9].text == "👨‍👩‍👧")
    }

    @Test func entityRulesMatchTheExtractor() {
        // Not hashtags or mentions: inside a word, an HTML entity, an e-mail address, a link's fragment.
        let text = "a#b &#39; mail@example.com https://x.fr/page#section #2024 #tag2024"
        let tokens = Tokenizer.tokenize(text)
        #expect(tokens.filter { $0.kind == .hashtag }.map(\.folded) == ["tag2024"])
        #expect(tokens.filter { $0.kind == .mention }.isEmpty)
        #expect(tokens.filter { $0.kind == .url }.map(\.text) == EntityExtractor.urls(in: text))
    }

    @Test func positionsCountEveryToken() {
        let tokens = Tokenizer.tokenize("l'avion #vol 🛫 décolle")
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4])
    }
}
