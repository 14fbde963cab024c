import Foundation
import VigieCore

/// A small corpus made to trip listening queries up (accents, elisions, mentions that look like
/// words, fediverse handles, subdomains, stems, emoji), the queries run against it, and a
/// generator of NEAR cases. The conformance suite checks that `query` equals a full scan with
/// ``Query/matches(_:)``; backends also use it to test their own index.
public enum QueryCorpus {
    public static let workspace = "default"

    public static let texts = [
        "Le réseau cyclable s'agrandit à Lyon #vélo", "Nouvelle piste cyclable à Paris @mairie", "Cycling to work is great",
        "Les influenceuses du vélo en ville", "l'influenceur parle d'une marque de vélos", "RÉSEAU saturé ce matin",
        "https://velo.example.org/plan le plan vélo", "covid-19 et mobilité", "peut-être demain à vélo 🚲",
        "marque partenaire, influenceur payé", "#climat #velo manif", "@velo_fan merci", "Le cœur de Lyon",
        "piste cyclable fermée", "cyclisme sur piste", "pistes cyclables à Paris et Lyon",
        // A mention with the same folded form as a word, elisions, apostrophes, z, fediverse handles, subdomains.
        "merci @velo pour tout", "aujourd'hui l'influenceur zoe", "voir https://www.sport.lemonde.fr/velo vite",
        "bonjour @zoe@masto.social et @Eric", "zzz z zèbre", "Ça roule 🚲🚲 #Vélo_Paris",
        // Stems: French and English, a word that is its own stem, a hashtag, a mention sharing a prefix.
        "Networks of cyclists", "the network grows", "les cyclistes et le cycliste", "#influenceuses en vue",
        "nos créatrices et créateurs", "énergies renouvelables @renouvelle_fr", "renouvellement du réseau",
    ]

    /// Every query both modes (plain and stemmed) must answer exactly as a full scan does.
    public static let queries = [
        "velo", "reseau OR cyclisme", "\"piste cyclable\"", "piste NOT paris", "#velo", "@mairie", "author:eric",
        "author:zoe", "lang:fr velo", "platform:mastodon", "site:example.org", "url:plan", "influenc*",
        "influenceur NEAR/3 marque", "-velo", "coeur", "covid", "since:2023-11-18 velo", "until:2023-11-20",
        "(velo OR piste) AND lyon", "🚲", "peut-etre",
        "@velo", "\"merci velo\"", "aujourd'hui", "l'", "\"l'influenceur\"", "@zoe", "@zoe@masto.social", "@eric",
        "site:lemonde.fr", "site:sport.lemonde.fr", "site:fr -velo", "zebre", "z*", "#velo_paris", "#vélo",
        "velo NOT (lyon OR paris)", "(velo OR lang:en) platform:twitter", "piste NEAR/1 cyclable", "merci NEAR/0 velo",
        "(piste OR reseau) NOT lang:fr-ca",
        // Stemmed forms, prefixes split into sure and tested.
        "influenceuses", "cyclistes", "networks", "network", "reseaux", "createur", "creatrice", "renouvelables",
        "renouvel*", "velo*", "cycl* NOT lyon", "-influenc*", "(influenceur OR marque) NOT pay*",
        "influenceur NOT velo", "cyclistes OR networks", "reseau NOT renouvel*", "grows NEAR/2 network",
        // NEAR where no side can be a mention, elision or link, and where one can.
        "merci NEAR/1 velo", "velo NEAR/3 plan", "plan NEAR/0 velo", "vel* NEAR/1 merci", "renouvel* NEAR/1 energies",
        "l* NEAR/1 influenceur", "\"pistes cyclables\" NEAR/3 lyon", "\"l'influenceur\" NEAR/1 zoe", "#velo NEAR/2 lyon",
        "(piste NEAR/1 cyclable) OR (cyclisme NEAR/2 piste)", "influenceur NEAR/3 marque NOT paye", "-(piste NEAR/1 cyclable)",
        "zoe NEAR/0 influenceur", "eric NEAR/1 bonjour", "cyclable NEAR/0 cyclable",
        // Handles folded like the matcher folds them, and language subtags.
        "author:ÉRIC", "author:@tom", "author:zoe@masto.social", "lang:FR", "lang:fr-ca velo", "platform:twitter -lang:fr-ca",
    ]

    /// The corpus in `workspace`, one post a day, four authors on two platforms, two language
    /// tags; and three posts in another workspace that match many queries and must never count.
    public static func write(into store: any Store) async throws {
        var items: [IngestItem] = []
        for (i, text) in texts.enumerated() {
            let hashtags = text.split(separator: " ").filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
            let mentions = text.split(separator: " ").filter { $0.hasPrefix("@") }.map { Mention(handle: String($0.dropFirst())) }
            items.append(.post(Post(platform: i % 3 == 0 ? .mastodon : .twitter, platformID: "\(i)", authorID: "a\(i % 4)",
                                    authorHandle: ["marie", "Éric", "tom", "zoe@masto.social"][i % 4],
                                    createdAt: Fixture.at(Double(i) * 86_400), text: text, language: i % 2 == 0 ? "fr" : "fr-CA",
                                    hashtags: hashtags, mentions: mentions,
                                    urls: text.contains("https") ? ["https://velo.example.org/plan"] : [])))
        }
        try await store.write(IngestBatch(items: items), workspace: workspace)
        try await store.write(IngestBatch(items: ["velo piste cyclable à Lyon", "merci @velo", "influenceur et marque"].enumerated().map { i, text in
            .post(Post(platform: .twitter, platformID: "o\(i)", authorID: "o\(i)", authorHandle: "other\(i)",
                       createdAt: Fixture.at(Double(i) * 86_400), text: text, language: "fr"))
        }), workspace: "other")
    }

    /// Posts where the same form is a word, a mention, a hashtag, an elision or in a link, and
    /// 150 NEAR queries over sides of every kind, drawn with one fixed seed.
    public static func nearCase() -> (posts: [Post], queries: [String]) {
        var random = SeededRandom(seed: 7)
        let vocabulary = ["velo", "Vélo", "@velo", "#velo", "l'", "l'avion", "avion", "lyon", "@lyon", "www.lyon.fr",
                          "https://velo.fr/avion", "pistes", "piste", "cyclable", "l", "@l", "vel", "merci", "🚲", "ça"]
        var posts: [Post] = []
        for index in 0..<240 {
            let text = (0..<random.next(in: 2...9)).map { _ in vocabulary[random.next(in: 0...(vocabulary.count - 1))] }
                .joined(separator: " ")
            posts.append(Post(platform: .mastodon, platformID: "g\(index)", authorID: "a\(index % 17)", createdAt: Fixture.at(Double(index)),
                              text: text, mentions: index % 11 == 0 ? [Mention(handle: "avion")] : []))
        }
        let sides = ["velo", "lyon", "avion", "l*", "vel*", "piste*", "\"piste cyclable\"", "\"l' avion\"", "#velo", "merci", "l", "ca"]
        var queries: [String] = []
        for _ in 0..<150 {
            queries.append("\(sides[random.next(in: 0...(sides.count - 1))]) NEAR/\(random.next(in: 0...3)) \(sides[random.next(in: 0...(sides.count - 1))])")
        }
        return (posts, queries)
    }
}
