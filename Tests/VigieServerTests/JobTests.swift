import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing
import VigieCore
import VigieEngine
import VigieStore
@testable import VigieServer

@Suite("Imports as jobs")
struct JobTests {
    /// The real Bluesky Jetstream sample beside the repository.
    static var jetstreamSample: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data/bluesky-jetstream/jetstream_v1_152_events.jsonl")
    }

    /// Polls a job until it ends (at most 30 s).
    static func finished(_ client: some TestClientProtocol, _ uri: String, token: String) async throws -> [String: Any] {
        for _ in 0..<600 {
            let job = try #require(try await client.request(uri, token: token).json()["job"] as? [String: Any])
            if let state = job["state"] as? String, ["succeeded", "failed", "cancelled"].contains(state) { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the job did not finish in 30 s")
        return [:]
    }

    @Test("an uploaded file imports as a job whose report matches a direct import of the same file")
    func uploadImportsLikeTheCLI() async throws {
        let data = try Data(contentsOf: Self.jetstreamSample)
        // The same file imported directly by the engine, for the expected counts.
        let direct = try SQLiteStore.inMemory()
        let expected = try await Engine(store: direct, configuration: EngineConfiguration(workspace: "acme"))
            .ingest(IngestRequest(paths: [Self.jetstreamSample.path], identifyLanguages: false))
        let expectedStats = try await direct.stats(workspace: "acme")
        let world = try await TestWorld()
        let token = try await world.token(for: "ana")
        let app = try await world.application()
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/workspaces/acme/imports?filename=events.jsonl&identifyLanguages=false", method: .post,
                headers: [.authorization: "Bearer " + token, .contentType: "application/octet-stream"],
                body: ByteBuffer(bytes: data))
            #expect(response.status == .accepted, "\(response.text)")
            let location = try #require(response.headers[.location])
            #expect(location.hasPrefix("/api/v1/workspaces/acme/jobs/"))
            let job = try await Self.finished(client, location, token: token)
            #expect(job["state"] as? String == "succeeded", "\(job)")
            let outcome = try #require((job["outcome"] as? [String: Any])?["importFiles"] as? [String: Any])
            let report = try #require(outcome["report"] as? [String: Any])
            #expect(report["file"] as? String == "events.jsonl")
            #expect(report["posts"] as? Int == expected.totalPosts)
            #expect(report["accounts"] as? Int == expected.totalAccounts)
            #expect(report["rejected"] as? Int == expected.totalRejected)
            #expect(expected.totalPosts > 0)
            // The posts are there, and the job is in the list.
            let stats = try await client.request("/api/v1/workspaces/acme", token: token).json()
            let byPlatform = try #require((stats["stats"] as? [String: Any])?["byPlatform"] as? [String: [String: Any]])
            #expect(byPlatform["bluesky"]?["posts"] as? Int == expectedStats.byPlatform["bluesky"]?.posts)
            #expect((expectedStats.byPlatform["bluesky"]?.posts ?? 0) > 0)
            let jobs = try #require(try await client.request("/api/v1/workspaces/acme/jobs", token: token).json()["items"] as? [[String: Any]])
            #expect(jobs.count == 1)
            // Rejected records name the file the user sent, not where the server kept it.
            if expected.totalRejected > 0 {
                let rejects = try #require(try await client.request("/api/v1/workspaces/acme/rejects", token: token).json()["items"]
                    as? [[String: Any]])
                #expect(rejects.contains { $0["file"] as? String == "events.jsonl" })
                #expect(!rejects.contains { ($0["file"] as? String)?.contains("vigie-upload-") == true })
            }
        }
        // The upload's folder is removed when its job ends.
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: world.configuration.uploadFolder)) ?? []
        #expect(leftovers.isEmpty, "left in the upload folder: \(leftovers)")
        try? FileManager.default.removeItem(atPath: world.configuration.uploadFolder)
    }

    @Test("a file that is not data fails its job with the importer's reason; an empty upload is refused")
    func unreadableUploads() async throws {
        let world = try await TestWorld()
        let token = try await world.token(for: "alice")
        let app = try await world.application()
        try await app.test(.router) { client in
            let response = try await client.execute(
                uri: "/api/v1/workspaces/acme/imports?filename=notes.txt", method: .post,
                headers: [.authorization: "Bearer " + token], body: ByteBuffer(string: "dear diary, nothing here is a post\n"))
            #expect(response.status == .accepted)
            let job = try await Self.finished(client, try #require(response.headers[.location]), token: token)
            #expect(job["state"] as? String == "failed")
            let error = try #require(job["error"] as? String)
            #expect(error.contains("notes.txt"), "the reason does not name the file: \(error)")
            #expect(!error.contains("vigie-upload-"))
            let empty = try await client.execute(uri: "/api/v1/workspaces/acme/imports?filename=e.jsonl", method: .post,
                                                 headers: [.authorization: "Bearer " + token])
            #expect(empty.status == .badRequest)
            let format = try await client.execute(uri: "/api/v1/workspaces/acme/imports?format=excel", method: .post,
                                                  headers: [.authorization: "Bearer " + token], body: ByteBuffer(string: "x"))
            #expect(format.status == .badRequest)
            #expect(try format.json()["field"] as? String == "format")
        }
    }

    @Test("the dashboard's upload form (multipart) starts a job and sends the browser to its progress page")
    func dashboardUpload() async throws {
        let world = try await TestWorld()
        let app = try await world.application()
        try await app.test(.router) { client in
            let session = try await client.signIn("ana")
            let boundary = "----vigie-test-boundary"
            func body(csrf: String) -> ByteBuffer {
                var text = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(csrf)\r\n"
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"format\"\r\n\r\n\r\n"
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/events.jsonl\"\r\n"
                text += "Content-Type: application/octet-stream\r\n\r\n"
                var buffer = ByteBuffer(string: text)
                buffer.writeBytes((try? Data(contentsOf: Self.jetstreamSample)) ?? Data())
                buffer.writeString("\r\n--\(boundary)--\r\n")
                return buffer
            }
            let headers: HTTPFields = [.cookie: session.cookie, .contentType: "multipart/form-data; boundary=\(boundary)"]
            let forged = try await client.execute(uri: "/w/acme/imports", method: .post, headers: headers, body: body(csrf: "forged"))
            #expect(forged.status == .forbidden)
            let posted = try await client.execute(uri: "/w/acme/imports", method: .post, headers: headers, body: body(csrf: session.csrf))
            #expect(posted.status == .seeOther, "\(posted.status) \(posted.text)")
            let location = try #require(posted.headers[.location])
            #expect(location.hasPrefix("/w/acme/jobs/"))
            // The page shows progress while the job runs (and refreshes itself), then the report.
            var page = try await client.execute(uri: location, method: .get, headers: [.cookie: session.cookie])
            #expect(page.status == .ok)
            for _ in 0..<600 where page.text.contains("http-equiv=\"refresh\"") {
                #expect(page.text.contains("<progress"))
                try await Task.sleep(for: .milliseconds(50))
                page = try await client.execute(uri: location, method: .get, headers: [.cookie: session.cookie])
            }
            #expect(page.text.contains("state-succeeded"), "\(page.text)")
            #expect(page.text.contains("events.jsonl"))
            #expect(!page.text.contains("etc/"), "the client's path reached the server's file name")
        }
    }

    @Test("graceful shutdown cancels a running job and marks it cancelled")
    func shutdownCancelsJobs() async throws {
        let metrics = ServerMetrics()
        let queue = JobQueue(concurrency: 1, retained: 10, metrics: metrics, logger: Logger(label: "test"))
        let started = AsyncStream.makeStream(of: Void.self)
        let job = try await queue.submit(kind: "test", title: "slow", workspace: "acme", user: "alice") { reporter in
            reporter.progress(JobProgress(stage: "waiting"))
            started.continuation.yield()
            try await Task.sleep(for: .seconds(60))
            throw CancellationError()
        }
        let group = ServiceGroup(configuration: .init(services: [queue], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in started.stream { break }
            #expect(await queue.job(id: job.id, workspace: "acme")?.state == .running)
            #expect(await queue.job(id: job.id, workspace: "other") == nil)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let ended = try #require(await queue.job(id: job.id, workspace: "acme"))
        #expect(ended.state == .cancelled)
        #expect(ended.error?.contains("stopped") == true)
        await #expect(throws: Problem.self) {
            _ = try await queue.submit(kind: "test", title: "late", workspace: "acme", user: "alice") { _ in
                .importFiles(report: ImportJobReport(file: "", bytes: 0, reports: [], skipped: [], failures: [], notes: [], posts: 0,
                                                     accounts: 0, rejected: 0))
            }
        }
        #expect(metrics.render().contains("vigie_jobs_finished_total{kind=\"test\",outcome=\"cancelled\"} 1"))
    }
}
