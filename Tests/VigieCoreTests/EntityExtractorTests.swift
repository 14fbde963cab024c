import Testing
import VigieCore

@Suite struct EntityExtractorTests {
    // MARK: Hashtags

    @Test func frenchHashtagsWithAccentsAndElision() {
        // Lines in the style of the French tweets of the XLM-T sentiment set.
        let text = "Des aides du #gouvernement pour des #logements plus #écologiques. Voir l'#Afrique et #réseauxsociaux!"
        #expect(EntityExtractor.hashtags(in: text) == ["gouvernement", "logements", "écologiques", "Afrique", "réseauxsociaux"])
    }

    @Test func unicodeHashtags() {
        #expect(EntityExtractor.hashtags(in: "Grüezi #Zürich, #日本 と #Москва") == ["Zürich", "日本", "Москва"])
        // Decomposed accents (e + combining acute) stay inside the tag.
        #expect(EntityExtractor.hashtags(in: "#cafe\u{301} ouvert") == ["cafe\u{301}"])
        #expect(EntityExtractor.hashtags(in: "Le #l·l catalan, #tag· fin") == ["l·l", "tag"])
    }

    @Test func hashtagDigitsAndUnderscores() {
        #expect(EntityExtractor.hashtags(in: "#COP28 #2024 #_ #1er_mai #a_b") == ["COP28", "1er_mai", "a_b"])
    }

    @Test func whatIsNotAHashtag() {
        #expect(EntityExtractor.hashtags(in: "a#b c#d") == [])
        #expect(EntityExtractor.hashtags(in: "it&#39;s") == [])
        #expect(EntityExtractor.hashtags(in: "voir https://exemple.fr/page#section et http://x.fr/#/route") == [])
        #expect(EntityExtractor.hashtags(in: "#️⃣ keycap, # seul, ##") == [])
    }

    @Test func hashtagsAreDeduplicatedButKeepTheirCase() {
        #expect(EntityExtractor.hashtags(in: "#Paris #paris #Paris") == ["Paris", "paris"])
    }

    @Test func fullWidthHashSign() {
        #expect(EntityExtractor.hashtags(in: "東京 ＃東京オリンピック") == ["東京オリンピック"])
    }

    // MARK: Mentions

    @Test func mentionsWithoutAt() {
        let text = "@user @Le_Monde merci ! cc @jean.dupont. (@AFP)"
        #expect(EntityExtractor.mentions(in: text) == ["user", "Le_Monde", "jean.dupont", "AFP"])
    }

    @Test func fediverseAndBlueskyMentions() {
        let text = "Salut @alice@piaille.fr et @bob@mastodon.social, @carol.bsky.social!"
        #expect(EntityExtractor.mentions(in: text) == ["alice@piaille.fr", "bob@mastodon.social", "carol.bsky.social"])
        // An `@` after the handle that is not a domain is left out.
        #expect(EntityExtractor.mentions(in: "@dan@ ok @erin@host.") == ["dan", "erin"])
    }

    @Test func emailAddressesAndLinksAreNotMentions() {
        #expect(EntityExtractor.mentions(in: "écrire à contact@vigie.fr") == [])
        #expect(EntityExtractor.mentions(in: "lire https://medium.com/@auteur/article") == [])
        #expect(EntityExtractor.mentions(in: "@ seul, @@double") == [])
    }

    // MARK: Links

    @Test func linksLoseTrailingPunctuation() {
        let text = "Lire https://www.lemonde.fr/planete/article.html. Et http://t.co/abc123, puis https://x.fr/a?b=1&c=2!"
        #expect(EntityExtractor.urls(in: text) == ["https://www.lemonde.fr/planete/article.html", "http://t.co/abc123",
                                                   "https://x.fr/a?b=1&c=2"])
        #expect(EntityExtractor.urls(in: "Voir : https://exemple.fr/page ; ou https://exemple.fr/autre…") ==
                ["https://exemple.fr/page", "https://exemple.fr/autre"])
    }

    @Test func frenchQuotesAndParentheses() {
        #expect(EntityExtractor.urls(in: "« https://exemple.fr/doc »") == ["https://exemple.fr/doc"])
        #expect(EntityExtractor.urls(in: "«https://exemple.fr/doc»,") == ["https://exemple.fr/doc"])
        #expect(EntityExtractor.urls(in: "(voir https://exemple.fr/a)") == ["https://exemple.fr/a"])
        // Balanced parentheses belong to the link.
        #expect(EntityExtractor.urls(in: "(https://en.wikipedia.org/wiki/Paris_(France)).") ==
                ["https://en.wikipedia.org/wiki/Paris_(France)"])
    }

    @Test func wwwLinksAndCaseInsensitiveSchemes() {
        #expect(EntityExtractor.urls(in: "Sur www.service-public.fr, HTTPS://EXAMPLE.COM/X?") ==
                ["www.service-public.fr", "HTTPS://EXAMPLE.COM/X"])
        #expect(EntityExtractor.urls(in: "a.www.b.fr and me@www.host.fr and http:// alone, https://") == [])
    }

    @Test func unicodeInLinks() {
        #expect(EntityExtractor.urls(in: "https://de.wikipedia.org/wiki/Zürich ist schön") ==
                ["https://de.wikipedia.org/wiki/Zürich"])
        #expect(EntityExtractor.urls(in: "見て https://example.jp/記事。次") == ["https://example.jp/記事"])
    }

    // MARK: All at once

    @Test func englishPostWithEverything() {
        let entities = EntityExtractor.entities(
            in: "RT @nasa: Watch the #Artemis launch live 🚀 https://nasa.gov/live?utm=x#top #SpaceX, via @ESA!")
        #expect(entities.hashtags == ["Artemis", "SpaceX"])
        #expect(entities.mentions == ["nasa", "ESA"])
        #expect(entities.urls == ["https://nasa.gov/live?utm=x#top"])
    }

    @Test func plainTextHasNothing() {
        let entities = EntityExtractor.entities(in: "Bonjour à tous, rien à signaler aujourd’hui.")
        #expect(entities == EntityExtractor.Entities())
        #expect(EntityExtractor.entities(in: "") == EntityExtractor.Entities())
    }
}
