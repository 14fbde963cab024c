import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import VigieCore
@testable import VigieServer

/// The privacy routes as a workspace's owner uses them to answer data subjects: find the person,
/// track the request, export, erase (a job), retention, the record of processing and the
/// pseudonymisation mode; every call in the audit log; nobody but owners let in.
@Suite("Privacy routes")
struct PrivacyRouteTests {
    static let base = "/api/v1/workspaces/acme/privacy"

    @Test("an access request is found, recorded, verified and answered by an export, all audited")
    func accessRequestFromReceiptToExport() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let found = try await client.request(Self.base + "/subjects?text=%40acme_fan&reason=DSAR-7", token: token)
            #expect(found.status == .ok, "\(found.text)")
            let matches = try #require(try found.json()["matches"] as? [[String: Any]])
            #expect(matches.count == 1 && matches.first?["handle"] as? String == "acme_fan" && matches.first?["posts"] as? Int == 2)

            let created = try await client.request(Self.base + "/requests", .post, token: token,
                                                   json: #"{"kind":"access","subject":"@acme_fan","requester":"Acme Fan <fan@example.org>"}"#)
            #expect(created.status == .created, "\(created.text)")
            let request = try #require(try created.json()["request"] as? [String: Any])
            let id = try #require(request["id"] as? Int)
            #expect(request["state"] as? String == "received")
            #expect(created.headers[.location] == Self.base + "/requests/\(id)")

            // Not before the identity is checked.
            let early = try await client.request(Self.base + "/exports", .post, token: token, json: #"{"request":\#(id),"includeScores":false}"#)
            #expect(early.status == .badRequest && early.text.contains("not verified"), "\(early.text)")

            let verified = try await client.request(Self.base + "/requests/\(id)/verify", .post, token: token,
                                                    json: #"{"identityCheck":"ID card seen by video call"}"#)
            #expect(verified.status == .ok, "\(verified.text)")
            #expect((try verified.json()["request"] as? [String: Any])?["state"] as? String == "verified")

            let export = try await client.request(Self.base + "/exports", .post, token: token, json: #"{"request":\#(id),"includeScores":false}"#)
            #expect(export.status == .ok, "\(export.text)")
            #expect(export.headers[.contentType] == "application/json" && export.headers[.cacheControl] == "no-store")
            #expect(export.text.contains("J'adore mon vélo du matin"))
            let html = try await client.request(Self.base + "/exports", .post, token: token,
                                                json: #"{"subject":"twitter:100","includeScores":false,"format":"html","language":"fr"}"#)
            #expect(html.status == .ok && html.headers[.contentType]?.hasPrefix("text/html") == true, "\(html.text.prefix(300))")

            let shown = try await client.request(Self.base + "/requests/\(id)", token: token)
            let answered = try #require(try shown.json()["request"] as? [String: Any])
            #expect(answered["state"] as? String == "completed")
            #expect((answered["exportDigest"] as? String)?.count == 64)

            let list = try await client.request(Self.base + "/requests?open=true", token: token)
            #expect(list.status == .ok)
            #expect((try list.json()["items"] as? [Any])?.isEmpty == true, "\(list.text)")

            let closeAgain = try await client.request(Self.base + "/requests/\(id)/close", .post, token: token, json: #"{"note":"again"}"#)
            #expect(closeAgain.status == .badRequest && closeAgain.text.contains("already completed"), "\(closeAgain.text)")
            let missing = try await client.request(Self.base + "/requests/99", token: token)
            #expect(missing.status == .notFound)
            let audit = try await world.store.auditEvents(workspace: "acme", before: nil, limit: 100)
            let privacy = audit.filter { $0.action.hasPrefix("privacy.") }
            #expect(privacy.allSatisfy { $0.actor == "alice" }, "\(privacy.map { "\($0.actor) \($0.action)" })")
            for action in ["privacy.find", "privacy.request.add", "privacy.request.verify", "privacy.export", "privacy.request.show",
                           "privacy.requests.list"] {
                #expect(privacy.contains { $0.action == action }, "no \(action) in \(privacy.map(\.action))")
            }
            #expect(privacy.contains { $0.action == "privacy.find" && ($0.detail ?? "").contains("DSAR-7") })
        }
    }

    @Test("an erasure request is answered by an erasure job, with a receipt that names nobody")
    func erasureRunsAsAJob() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let created = try await client.request(Self.base + "/requests", .post, token: token, json: """
                {"kind":"erasure","subject":"twitter:100","requester":"Acme Fan <fan@example.org>","identityCheck":"signed letter"}
                """)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require((try created.json()["request"] as? [String: Any])?["id"] as? Int)

            let badRequest = try await client.request(Self.base + "/erasures", .post, token: token, json: #"{"subject":"twitter:100"}"#)
            #expect(badRequest.status == .badRequest && badRequest.text.contains("reason"), "\(badRequest.text)")

            let started = try await client.request(Self.base + "/erasures", .post, token: token, json: #"{"request":\#(id)}"#)
            #expect(started.status == .accepted, "\(started.text)")
            let location = try #require(started.headers[.location])
            #expect(location.hasPrefix(Self.base + "/erasures/"))
            var job: [String: Any] = [:]
            for _ in 0..<200 {
                job = try #require(try await client.request(location, token: token).json()["job"] as? [String: Any])
                if job["state"] as? String != "queued" && job["state"] as? String != "running" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(job["state"] as? String == "succeeded", "\(job)")
            #expect(!"\(job)".contains("acme_fan") && !"\(job)".contains("fan@example.org"), "\(job)")
            let outcome = try #require((job["outcome"] as? [String: Any])?["erasure"] as? [String: Any])
            #expect(((outcome["outcome"] as? [String: Any])?["rows"] as? Int ?? 0) > 0, "\(outcome)")

            // Its failure or state would name the person: viewers and analysts do not see it.
            let jobID = try #require(job["id"] as? String)
            let viewer = try await world.token(for: "viv")
            #expect(try await client.request("/api/v1/workspaces/acme/jobs/\(jobID)", token: viewer).status == .notFound)
            let viewerJobs = try await client.request("/api/v1/workspaces/acme/jobs", token: viewer)
            #expect(viewerJobs.status == .ok && !viewerJobs.text.contains(jobID), "\(viewerJobs.text)")
            #expect(try await client.request("/api/v1/workspaces/acme/jobs/\(jobID)", token: token).status == .ok)

            let receipts = try await client.request(Self.base + "/receipts", token: token)
            let items = try #require(try receipts.json()["items"] as? [[String: Any]])
            #expect(items.count == 1 && !receipts.text.contains("acme_fan"), "\(receipts.text)")
            let search = try await client.request("/api/v1/workspaces/acme/search?text=matin", token: token)
            #expect(search.status == .ok && !search.text.contains("vélo du matin"), "\(search.text)")
            let request = try #require(try await client.request(Self.base + "/requests/\(id)", token: token).json()["request"] as? [String: Any])
            #expect(request["state"] as? String == "completed" && (request["subject"] as? String)?.hasPrefix("erased:") == true)
            let audit = try await world.store.auditEvents(workspace: "acme", before: nil, limit: 100)
            #expect(audit.contains { $0.action == "privacy.erase" && $0.actor == "alice" })
        }
    }

    @Test("retention periods are read, changed kind by kind, and applied after a dry run")
    func retentionShowSetApply() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let shown = try await client.request(Self.base + "/retention", token: token)
            #expect((try shown.json()["days"] as? [String: Any])?["posts"] as? Int == 395, "\(shown.text)")

            let changed = try await client.request(Self.base + "/retention", .patch, token: token,
                                                   json: #"{"posts":30,"rejects":null,"reason":"DPO review"}"#)
            #expect(changed.status == .ok, "\(changed.text)")
            let days = try #require(try changed.json()["days"] as? [String: Any])
            #expect(days["posts"] as? Int == 30 && days["rejects"] is NSNull && days["alerts"] as? Int == 395, "\(days)")
            let invalid = try await client.request(Self.base + "/retention", .patch, token: token, json: #"{"posts":0}"#)
            #expect(invalid.status == .badRequest && invalid.text.contains("posts"), "\(invalid.text)")
            let nothing = try await client.request(Self.base + "/retention", .patch, token: token, json: #"{"reason":"x"}"#)
            #expect(nothing.status == .badRequest)

            let preview = try await client.request(Self.base + "/retention/apply", .post, token: token)
            #expect(preview.status == .ok, "\(preview.text)")
            #expect(try preview.json()["dryRun"] as? Bool == true)
            #expect((try preview.json()["removed"] as? [String: Any])?["posts"] as? Int == 2, "\(preview.text)")
            #expect(try await world.store.totals(workspace: "acme").posts == 2)

            let applied = try await client.request(Self.base + "/retention/apply", .post, token: token, json: #"{"dryRun":false}"#)
            #expect((try applied.json()["removed"] as? [String: Any])?["posts"] as? Int == 2, "\(applied.text)")
            #expect(try await world.store.totals(workspace: "acme").posts == 0)
            #expect(try await world.store.totals(workspace: "globex").posts == 1)
            let audit = try await world.store.auditEvents(workspace: "acme", before: nil, limit: 100)
            #expect(audit.contains { $0.action == "privacy.retention.set" && $0.actor == "alice" && ($0.detail ?? "").contains("DPO review") })
            #expect(audit.contains { $0.action == "privacy.retention.apply" && $0.actor == "alice" })
        }
    }

    @Test("the record of processing, as JSON and Markdown, and the pseudonymisation mode")
    func recordAndPseudonyms() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let record = try await client.request(Self.base + "/record?language=fr&controller=Acme", token: token)
            #expect(record.status == .ok, "\(record.text)")
            #expect((try record.json()["markdown"] as? String)?.contains("Acme") == true)
            let markdown = try await client.request(Self.base + "/record?format=markdown", token: token)
            #expect(markdown.headers[.contentType]?.hasPrefix("text/markdown") == true && markdown.text.hasPrefix("#"), "\(markdown.text.prefix(200))")

            let off = try await client.request(Self.base + "/pseudonyms", token: token)
            #expect((try off.json()["status"] as? [String: Any])?["on"] as? Bool == false)
            let on = try await client.request(Self.base + "/pseudonyms", .put, token: token, json: #"{"on":true,"reason":"client asked"}"#)
            #expect((try on.json()["status"] as? [String: Any])?["on"] as? Bool == true, "\(on.text)")
            let noReason = try await client.request(Self.base + "/pseudonyms/reveal", .post, token: token,
                                                    json: #"{"pseudonym":"p-3fa9c21b07de","reason":" "}"#)
            #expect(noReason.status == .badRequest && noReason.text.contains("reason"), "\(noReason.text)")
            let audit = try await world.store.auditEvents(workspace: "acme", before: nil, limit: 100)
            #expect(audit.contains { $0.action == "privacy.pseudonymise.on" && $0.actor == "alice" && ($0.detail ?? "").contains("client asked") })
            #expect(audit.contains { $0.action == "privacy.record" && $0.actor == "alice" })
        }
    }

    /// Every privacy route, as the isolation suite calls it.
    static var privacyProbes: [IsolationTests.Probe] {
        IsolationTests.probes.filter { $0.route.contains("/privacy/") }
    }

    @Test("analysts and viewers are refused every privacy route (403), and nothing changes")
    func onlyOwners() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        #expect(Self.privacyProbes.count == 17)
        try await app.test(.router) { client in
            for user in ["ana", "viv"] {
                let token = try await world.token(for: user)
                for probe in Self.privacyProbes {
                    let uri = probe.uri(workspace: "acme", ids: ["job": "x", "request": "1"])
                    let response = try await client.request(uri, probe.method, token: token, json: probe.json)
                    #expect(response.status == .forbidden, "\(probe) as \(user): \(response.status) \(response.text)")
                    #expect(response.text.contains("needs owner"), "\(response.text)")
                }
            }
            #expect(try await world.store.isPseudonymising(workspace: "acme") == false)
            #expect(try await world.store.retentionPolicy(workspace: "acme") == .defaults)
            #expect(try await world.store.privacyRequests(workspace: "acme", filter: PrivacyRequestFilter()).isEmpty)
        }
    }
}
