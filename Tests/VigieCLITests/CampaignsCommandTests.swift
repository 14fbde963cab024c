import Foundation
import Testing
import VigieTestSupport

/// `vigie campaigns` and `vigie links` as a user runs them: a campaign with two influencers,
/// their links, conversions imported from a shop's CSV, the report in its three formats, and
/// bad input answered with the flag at fault.
@Suite struct CampaignsCommandTests {
    func workspace() throws -> CLI {
        let cli = try CLI()
        let posts = try cli.write("posts.csv", """
            id,author,created_at,text,lang,likes
            1,marie,2026-03-01T10:00:00Z,Mon code promo sur https://go.brand.example/,fr,3
            2,paul,2026-03-02T10:00:00Z,Spring is here,en,1

            """)
        let ingest = try cli.run(["ingest", "--quiet", "--format", "csv", "--map", "likes=likes", posts])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        return cli
    }

    @Test func addListShowLinksAndReport() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let add = try cli.run(["campaigns", "add", "spring", "--currency", "EUR", "--budget", "5000", "--influencer", "@marie=800",
                               "--influencer", "@paul=1200.50", "--link-base", "https://go.brand.example"])
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stdout.contains("2 influencers, spend 2000.50 EUR"), "\(add.stdout)")

        let link = try cli.run(["links", "add", "https://brand.example/shop", "--campaign", "spring", "--influencer", "@marie",
                                "--channel", "instagram", "--json"])
        #expect(link.status == 0, "\(link.stderr)")
        let linkJSON = try #require(try JSONSerialization.jsonObject(with: Data(link.stdout.utf8)) as? [String: Any])
        let code = try #require((linkJSON["link"] as? [String: Any])?["code"] as? String)
        #expect(code.count == 10)
        let newsletter = try cli.run(["links", "add", "https://brand.example/", "--campaign", "spring", "--channel", "newsletter",
                                      "--utm-medium", "email"])
        #expect(newsletter.stdout.contains("utm_source=newsletter&utm_medium=email&utm_campaign=spring"), "\(newsletter.stdout)")

        let list = try cli.run(["campaigns", "list"])
        #expect(list.stdout.contains("spring") && list.stdout.contains("5000.00 EUR"), "\(list.stdout)")
        let show = try cli.run(["campaigns", "show", "spring"])
        #expect(show.stdout.contains("@marie") && show.stdout.contains("1200.50 EUR") && show.stdout.contains(code), "\(show.stdout)")
        let links = try cli.run(["links", "list", "--campaign", "spring"])
        #expect(links.stdout.contains("https://go.brand.example/" + code), "\(links.stdout)")

        // Conversions from the shop: by code (no click yet: recorded, not attributed), a replay,
        // and a bad line reported with its number while the others are kept.
        let orders = try cli.write("orders.csv", """
            idempotency_key,value,currency,code
            order-1,49.90,EUR,\(code)
            order-1,49.90,EUR,\(code)
            order-2,-5,EUR,\(code)

            """)
        let imported = try cli.run(["campaigns", "import-conversions", orders])
        #expect(imported.status == 2, "\(imported.stdout) \(imported.stderr)")
        #expect(imported.stdout.contains("1 conversions recorded (0 attributed to a click), 1 already recorded, 1 bad lines"),
                "\(imported.stdout)")
        #expect(imported.stdout.contains(orders + ":4:"), "\(imported.stdout)")

        let text = try cli.run(["campaigns", "report", "spring", "--no-audience"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("per influencer") && text.stdout.contains("dark share"), "\(text.stdout)")
        let csv = try cli.run(["campaigns", "report", "spring", "--no-audience", "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").contains { $0.hasPrefix("campaign,spring,0,") }, "\(csv.stdout)")
        let json = try cli.run(["campaigns", "report", "spring", "--no-audience", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["clicks"] as? Int == 0)
        #expect(totals["spend"] as? Double == 2_000.50)
    }

    @Test func badInputNamesTheFlag() throws {
        let cli = try workspace()
        defer { cli.cleanUp() }
        let currency = try cli.run(["campaigns", "add", "x", "--currency", "EURO"])
        #expect(currency.status != 0 && currency.stderr.contains("--currency"), "\(currency.stderr)")
        let unknown = try cli.run(["campaigns", "add", "y", "--influencer", "@nobody"])
        #expect(unknown.status != 0 && unknown.stderr.contains("@nobody"), "\(unknown.stderr)")
        #expect(try cli.run(["campaigns", "add", "spring"]).status == 0)
        let scheme = try cli.run(["links", "add", "javascript:alert(1)", "--campaign", "spring"])
        #expect(scheme.status != 0 && scheme.stderr.contains("http and https"), "\(scheme.stderr)")
        let credentials = try cli.run(["links", "add", "https://user:pw@brand.example/", "--campaign", "spring"])
        #expect(credentials.status != 0 && credentials.stderr.contains("user name or password"), "\(credentials.stderr)")
        let missing = try cli.run(["campaigns", "report", "nope"])
        #expect(missing.status != 0 && missing.stderr.contains("no campaign named 'nope'"), "\(missing.stderr)")
        // Nothing of the refused commands was stored.
        let list = try cli.run(["links", "list", "--json"])
        #expect(!list.stdout.contains("alert") && !list.stdout.contains("user:pw"), "\(list.stdout)")
    }
}
