import Foundation
import Testing
import VigieCore
import VigieTestSupport

/// The core's full-text plan, as an abstract tree: its shape for the main cases, and, evaluated
/// here on each post's document the way any index would, bounds that are exactly the matcher's.
@Suite struct QueryIndexTests {
    static func plan(_ text: String, stemmed: Bool = false) throws -> FullTextPlan {
        QueryIndex.plan(for: try Query.parse(text, options: QueryOptions(stemmed: stemmed)))
    }

    @Test func plansAreAbstractTrees() throws {
        #expect(try Self.plan("velo") == FullTextPlan(sure: .match(.word("velo")), tested: .none))
        #expect(try Self.plan("\"piste cyclable\"") == FullTextPlan(sure: .match(.phrase(.tokens, ["piste", "cyclable"], prefix: false)), tested: .none))
        #expect(try Self.plan("#velo @zoe") == FullTextPlan(sure: .match(.and([.phrase(.hashtags, ["velo"], prefix: false),
                                                                                .phrase(.handles, ["zoe"], prefix: false)])), tested: .none))
        let all = FullTextExpression.phrase(.tokens, ["renouvel"], prefix: true)
        let nonWords = FullTextExpression.phrase(.nonWords, ["renouvel"], prefix: true)
        #expect(try Self.plan("renouvel*") == FullTextPlan(sure: .match(.andNot(all, nonWords)), tested: .match(.and([all, nonWords]))))
        #expect(try Self.plan("velo NOT lyon") == FullTextPlan(sure: .match(.andNot(.word("velo"), .word("lyon"))), tested: .none))
        // Top-level fields are the store's: alone, every post is sure; under OR, every post is tested.
        #expect(try Self.plan("lang:fr since:2024-01-01") == FullTextPlan(sure: .all, tested: .none))
        #expect(try Self.plan("velo OR lang:en") == FullTextPlan(sure: .none, tested: .all))
        #expect(try Self.plan("url:plan").tested == .all)
        let near = try Self.plan("\"pistes cyclables\" NEAR/3 \"et lyon\"")
        #expect(near == FullTextPlan(sure: .match(.near(FullTextPhrase(["pistes", "cyclables"]), FullTextPhrase(["et", "lyon"]), distance: 3)),
                                     tested: .none))
        #expect(try Self.plan("influenceur", stemmed: true).sure == .match(.or([
            .word("influenceur"), .phrase(.frenchStems, ["influenc"], prefix: false), .word("influenc"),
            .phrase(.englishStems, ["influenceur"], prefix: false),
        ])))
    }

    @Test func documentsHoldTheFormsOfEachField() throws {
        let post = Post(platform: .mastodon, platformID: "1", authorID: "a", createdAt: Date(timeIntervalSince1970: 0),
                        text: "L'influenceuse @velo parle de vélo sur https://www.sport.lemonde.fr/x #Cyclisme",
                        hashtags: ["Tour"], mentions: [Mention(handle: "zoe@masto.social"), Mention(handle: "zoe")])
        let document = QueryIndex.document(for: post)
        #expect(document.tokens.map(\.folded) == ["l'", "influenceuse", "velo", "parle", "de", "velo", "sur",
                                                  "https://www.sport.lemonde.fr/x", "cyclisme"])
        // `velo` is also a word here: only forms that are never words are non-words.
        #expect(document.nonWords == ["https://www.sport.lemonde.fr/x", "l'"])
        #expect(document.hashtags == ["cyclisme", "tour"])
        #expect(document.handles.sorted() == ["velo", "zoe", "zoe", "zoe@masto.social"])
        #expect(document.sites == ["fr", "lemonde.fr", "sport.lemonde.fr", "www.sport.lemonde.fr"])
        #expect(document.stems[0].contains("influenc") && !document.stems[0].contains("velo"))
        #expect(document.forms(of: .frenchStems) == document.stems[0])
        #expect(try QueryIndex.searchForms("Électrique PANNE") == ["electrique", "panne"])
        #expect(try QueryIndex.searchForms("***") == nil)
    }

    @Test func fieldConditionsAreTheTopConjuncts() throws {
        let query = try Query.parse("velo since:2024-01-01 since:2024-02-01 until:2024-03-01 platform:mastodon lang:fr author:@Zoe #tag")
        let fields = QueryFieldConditions(query, since: Date(timeIntervalSince1970: 0), until: Date(timeIntervalSince1970: 2_000_000_000))
        func date(_ text: String) throws -> Date? {
            switch try Query.parse(text).expression {
            case .since(let date), .until(let date): return date
            default: return nil
            }
        }
        #expect(try fields.since == date("since:2024-02-01") && fields.since != nil)
        #expect(try fields.until == date("until:2024-03-01") && fields.until != nil)
        #expect(fields.platforms == [.mastodon] && fields.languages == ["fr"] && fields.authors == ["zoe"])
        #expect(fields.readsHashtags && fields.readsAuthorHandle && !fields.readsMentions && !fields.readsLinks)
        // Under OR or NOT a field is not a condition of every match.
        let nested = QueryFieldConditions(try Query.parse("velo OR lang:fr"))
        #expect(nested.languages.isEmpty && nested.since == nil)
    }

    @Test func fieldRulesAreTheMatchersAsData() throws {
        for (language, code, expected) in [("fr", "fr", true), ("FR-ca", "fr", true), ("fr_BE", "fr", true), ("fra", "fr", false),
                                           ("en", "fr", false), (nil, "fr", false)] as [(String?, String, Bool)] {
            #expect(QueryFieldConditions.language(language, matches: code) == expected)
            let post = Post(platform: .twitter, platformID: "1", authorID: "a", createdAt: Date(), text: "x", language: language)
            #expect(try Query.parse("lang:\(code)").matches(post) == expected)
            let lowered = language?.lowercased()
            let asData = lowered == code || QueryFieldConditions.languageSubtagPrefixes(of: code).contains { lowered?.hasPrefix($0) == true }
            #expect(asData == expected)
        }
        for (stored, handle, expected) in [("@Zoé", "zoe", true), ("zoe@masto.social", "zoe", true), ("zoe@masto.social", "zoe@masto.social", true),
                                           ("zoe@other.social", "zoe@masto.social", false), ("zoey", "zoe", false)] {
            let comparable = QueryFieldConditions.comparableHandle(stored)
            #expect(QueryFieldConditions.handle(comparable, matches: handle) == expected)
            let prefix = QueryFieldConditions.instancePrefix(of: handle)
            #expect((comparable == handle || prefix.map(comparable.hasPrefix) == true) == expected)
            let post = Post(platform: .twitter, platformID: "1", authorID: "a", authorHandle: stored, createdAt: Date(), text: "x")
            #expect(try Query.parse("author:\(handle)").matches(post) == expected)
        }
    }

    /// Evaluated on each post's document as an index would, the plan's `sure` posts all match and
    /// every match is sure or tested; an exact plan's sure posts are exactly the matches.
    @Test func plansBoundTheMatchesOnTheCorpus() throws {
        var posts: [Post] = []
        for (i, text) in QueryCorpus.texts.enumerated() {
            let hashtags = text.split(separator: " ").filter { $0.hasPrefix("#") }.map { String($0.dropFirst()) }
            let mentions = text.split(separator: " ").filter { $0.hasPrefix("@") }.map { Mention(handle: String($0.dropFirst())) }
            posts.append(Post(platform: i % 3 == 0 ? .mastodon : .twitter, platformID: "\(i)", authorID: "a\(i % 4)",
                              authorHandle: ["marie", "Éric", "tom", "zoe@masto.social"][i % 4],
                              createdAt: Fixture.at(Double(i) * 86_400), text: text, language: i % 2 == 0 ? "fr" : "fr-CA",
                              hashtags: hashtags, mentions: mentions, urls: text.contains("https") ? ["https://velo.example.org/plan"] : []))
        }
        posts += QueryCorpus.nearCase().posts
        let documents = posts.map { QueryIndex.document(for: $0) }
        var exactPlans = 0
        for text in QueryCorpus.queries + QueryCorpus.nearCase().queries {
            for stemmed in [false, true] {
                let query = try Query.parse(text, options: QueryOptions(stemmed: stemmed))
                let plan = QueryIndex.plan(for: query)
                let fields = QueryFieldConditions(query)
                if plan.exact { exactPlans += 1 }
                for (post, document) in zip(posts, documents) where IndexModel.satisfies(fields, post) {
                    let sure = IndexModel.contains(plan.sure, document)
                    let tested = IndexModel.contains(plan.tested, document)
                    let matches = query.matches(post)
                    #expect(!(sure && tested), "\(text) stemmed=\(stemmed): sure and tested overlap on \(post.text)")
                    #expect(!sure || matches, "\(text) stemmed=\(stemmed): sure but no match: \(post.text)")
                    #expect(!matches || sure || tested, "\(text) stemmed=\(stemmed): match missed: \(post.text)")
                }
            }
        }
        #expect(exactPlans > QueryCorpus.queries.count)
    }
}

/// An index as the plan assumes one: one indexed form per token, positions are token positions.
enum IndexModel {
    static func contains(_ set: FullTextSet, _ document: FullTextDocument) -> Bool {
        switch set {
        case .none: return false
        case .all: return true
        case .match(let expression): return contains(expression, document)
        }
    }

    static func contains(_ expression: FullTextExpression, _ document: FullTextDocument) -> Bool {
        switch expression {
        case .phrase(let field, let forms, let prefix):
            return !starts(of: forms, prefix: prefix, in: document.forms(of: field)).isEmpty
        case .word(let form):
            return document.tokens.contains { $0.folded == form } && !document.nonWords.contains(form)
        case .near(let left, let right, let distance):
            let tokens = document.forms(of: .tokens)
            let lefts = starts(of: left.forms, prefix: left.prefix, in: tokens)
            let rights = starts(of: right.forms, prefix: right.prefix, in: tokens)
            // Tokens between the end of the first phrase and the start of the later one, either
            // order; overlapping phrases are near (FTS5's rule, and the matcher's).
            return lefts.contains { l in
                rights.contains { r in
                    (l <= r && r - (l + left.forms.count) <= distance) || (r <= l && l - (r + right.forms.count) <= distance)
                }
            }
        case .and(let operands): return operands.allSatisfy { contains($0, document) }
        case .or(let operands): return operands.contains { contains($0, document) }
        case .andNot(let kept, let excluded): return contains(kept, document) && !contains(excluded, document)
        }
    }

    static func starts(of forms: [String], prefix: Bool, in values: [String]) -> [Int] {
        guard !forms.isEmpty, values.count >= forms.count else { return [] }
        return (0...(values.count - forms.count)).filter { start in
            forms.indices.allSatisfy { offset in
                let value = values[start + offset]
                return prefix && offset == forms.count - 1 ? value.hasPrefix(forms[offset]) : value == forms[offset]
            }
        }
    }

    /// The top-level field conditions, as a store applies them.
    static func satisfies(_ fields: QueryFieldConditions, _ post: Post) -> Bool {
        if let since = fields.since, post.createdAt < since { return false }
        if let until = fields.until, post.createdAt >= until { return false }
        if fields.platforms.contains(where: { $0 != post.platform }) { return false }
        if !fields.languages.allSatisfy({ QueryFieldConditions.language(post.language, matches: $0) }) { return false }
        let handle = post.authorHandle.map(QueryFieldConditions.comparableHandle)
        return fields.authors.allSatisfy { author in handle.map { QueryFieldConditions.handle($0, matches: author) } ?? false }
    }
}
