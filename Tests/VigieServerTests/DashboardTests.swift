import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigieCore
@testable import VigieServer

@Suite("Dashboard pages")
struct DashboardTests {
    @Test("French for a browser that prefers French, English otherwise, the switch's cookie first",
          arguments: [("fr-CH, fr;q=0.9, en;q=0.8", Language.fr), ("en-GB,en;q=0.9,fr;q=0.8", .en), ("de-DE, fr;q=0.5", .fr),
                      ("de-DE", .en), ("", .en), ("fr;q=0, en", .en), ("en;q=0.5, fr;q=0.5", .en)])
    func languageNegotiation(header: String, expected: Language) {
        #expect(Language.negotiate(header.isEmpty ? nil : header) == expected)
    }

    @Test("every string exists in both languages and every template parses")
    func stringsAndTemplates() throws {
        #expect(Strings.english.count == Strings.french.count)
        #expect(Strings.table.values.allSatisfy { !$0.en.isEmpty && !$0.fr.isEmpty })
        let renderer = try PageRenderer()
        for (name, _) in PageRenderer.templateNames {
            #expect(renderer.library.getTemplate(named: name) != nil, "template \(name)")
        }
    }

    @Test("the sign-in page speaks the browser's language and has labelled fields")
    func signInPage() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let french = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: "fr-FR,fr;q=0.9"])
            #expect(french.text.contains("<html lang=\"fr\">"))
            #expect(french.text.contains("Mot de passe"))
            #expect(french.text.contains("<label for=\"password\">"))
            #expect(french.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let english = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: "en-US"])
            #expect(english.text.contains("Password"))
            // The switch sets a cookie that wins over the header.
            let switched = try await client.execute(uri: "/language?set=en&next=%2Fsign-in", method: .get)
            #expect(switched.headers[.location] == "/sign-in")
            let cookie = try #require(Web.cookie(named: "vigie_lang", in: switched.headers))
            let chosen = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: "fr-FR", .cookie: cookie])
            #expect(chosen.text.contains("<html lang=\"en\">"))
            let offsite = try await client.execute(uri: "/language?set=fr&next=%2F%2Fevil.example", method: .get)
            #expect(offsite.headers[.location] == "/")
        }
    }

    @Test("the workspace home lists the watches with their volume chart; another user's workspace is not linked")
    func homePage() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            let list = try await client.execute(uri: "/workspaces", method: .get, headers: [.cookie: session.cookie])
            #expect(list.text.contains("href=\"/w/acme\""))
            #expect(!list.text.contains("globex"))
            let home = try await client.execute(uri: "/w/acme", method: .get,
                                                headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(home.status == .ok)
            let html = home.text
            #expect(html.contains("velo OR vélo"))
            #expect(html.contains("class=\"sparkline\""))
            #expect(html.contains("<svg class=\"chart\""))
            #expect(html.contains("<polyline"))
            #expect(html.contains("<details class=\"data\">"), "the chart's numbers are not offered as a table")
            #expect(html.contains("aria-current=\"page\""))
            #expect(!html.contains("/audit\""), "a viewer is offered the audit log")
        }
    }

    @Test("the query page shows results, and a query error marked at its column")
    func queryPage() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            let results = try await client.execute(uri: "/w/acme/query?query=velo+OR+cycling", method: .get,
                                                   headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(results.status == .ok)
            #expect(results.text.contains("Cycling to work again"))
            #expect(results.text.contains("href=\"/w/acme/accounts/acme_fan\""))
            #expect(results.text.contains("format=csv"))
            let broken = try await client.execute(uri: "/w/acme/query?query=velo+AND+%29", method: .get,
                                                  headers: [.cookie: session.cookie, .acceptLanguage: "fr"])
            #expect(broken.status == .badRequest)
            #expect(broken.text.contains("aria-invalid=\"true\""))
            #expect(broken.text.contains("Colonne 10"))
            #expect(broken.text.contains("velo AND <mark>)</mark>"))
        }
    }

    @Test("the account page shows the profile and its interactions as an accessible chart")
    func accountPage() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            let find = try await client.execute(uri: "/w/acme/accounts?handle=%40acme_fan", method: .get, headers: [.cookie: session.cookie])
            #expect(find.status == .found)
            let page = try await client.execute(uri: try #require(find.headers[.location]), method: .get,
                                                headers: [.cookie: session.cookie, .acceptLanguage: "en"])
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("@acme_fan"))
            #expect(page.text.contains("Acme Fan"))
            #expect(page.text.contains("1,200"))
            #expect(page.text.contains("J&#39;adore mon vélo") || page.text.contains("J'adore mon vélo"))
            let missing = try await client.execute(uri: "/w/acme/accounts/nobody", method: .get, headers: [.cookie: session.cookie])
            #expect(missing.status == .notFound)
            #expect(missing.text.contains("role=\"alert\""))
        }
    }

    @Test("text from the data is escaped in pages")
    func escaping() async throws {
        let world = try await TestWorld()
        try await world.store.write(IngestBatch(items: [
            .post(Post(platform: .twitter, platformID: "x1", authorID: "100", authorHandle: "acme_fan", createdAt: Date(),
                       text: "<script>alert('velo')</script>")),
        ]), workspace: "acme")
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("viv")
            let page = try await client.execute(uri: "/w/acme/query?query=alert", method: .get, headers: [.cookie: session.cookie])
            #expect(page.text.contains("&lt;script&gt;"))
            #expect(!page.text.contains("<script>"))
        }
    }
}
