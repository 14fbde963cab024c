import Foundation
import VigieEngine

/// Everything `buildApplication` needs to know, built once by a front end (the `serve` command
/// from its flags, tests from defaults). Every field has a default.
///
/// ```swift
/// var configuration = ServerConfiguration(host: "127.0.0.1", port: 8080)
/// configuration.engine.database = "vigie.sqlite"
/// let app = try await buildApplication(configuration: configuration, store: store)
/// ```
package struct ServerConfiguration: Sendable {
    /// The address to listen on: loopback unless told otherwise.
    package var host: String
    /// 0 picks a free port (tests).
    package var port: Int
    /// Where the engine finds its resources; its `workspace` is unused (every request names its own).
    package var engine: EngineConfiguration
    /// Marks cookies `Secure` (sent over HTTPS only; browsers treat loopback as secure too).
    /// Turn off only to serve plain HTTP to other machines, which should not be done.
    package var secureCookies: Bool
    /// How long a session lasts without use; each use extends it.
    package var sessionIdleTimeout: Duration
    /// The longest a session lasts from its sign-in, used or not.
    package var sessionAbsoluteTimeout: Duration
    /// bcrypt's cost for new passwords (2^cost rounds); 12 takes about 0.3 s per check on a laptop.
    package var passwordCost: UInt8
    /// Failed sign-ins allowed per login and client address within `signInWindow`.
    package var signInAttempts: Int
    package var signInWindow: Duration
    /// The largest JSON request body (413 beyond).
    package var maximumJSONBytes: Int
    /// The largest uploaded import file (413 beyond).
    package var maximumUploadBytes: Int
    /// Where uploaded files wait for their import job; the system's temporary folder by default.
    package var uploadFolder: String
    /// Jobs that run at the same time (imports write to one store: 1 is usually best).
    package var concurrentJobs: Int
    /// Finished jobs kept for their reports (the oldest are dropped beyond).
    package var retainedJobs: Int
    /// How often the store gauges of `/metrics` are refreshed.
    package var storeMetricsInterval: Duration
    /// Dashboard results kept in memory, and for how long at most.
    package var cacheEntries: Int
    package var cacheLifetime: Duration
    /// The `Server` response header; `nil` sends none.
    package var serverName: String?
    /// Serves `/metrics` to any client, not only to loopback ones (its labels name workspaces).
    package var publicMetrics: Bool
    /// With live listeners in the server: a workspace's cached dashboards are forgotten at most
    /// this often while live data arrives (so they are at most this far behind it).
    package var liveInvalidationInterval: Duration = .seconds(30)
    /// How often every workspace's retention purge runs (`vigie privacy purge`); `nil` runs none.
    package var retentionPurgeInterval: Duration?
    /// How long after start the first purge runs: long enough for the server to answer first.
    package var retentionPurgeDelay: Duration

    package init(host: String = "127.0.0.1", port: Int = 8080, engine: EngineConfiguration = EngineConfiguration(),
                secureCookies: Bool = true, sessionIdleTimeout: Duration = .seconds(8 * 3600),
                sessionAbsoluteTimeout: Duration = .seconds(7 * 24 * 3600), passwordCost: UInt8 = 12,
                signInAttempts: Int = 5, signInWindow: Duration = .seconds(15 * 60),
                maximumJSONBytes: Int = 1 << 20, maximumUploadBytes: Int = 1 << 30,
                uploadFolder: String = NSTemporaryDirectory(), concurrentJobs: Int = 1, retainedJobs: Int = 200,
                storeMetricsInterval: Duration = .seconds(60), cacheEntries: Int = 512,
                cacheLifetime: Duration = .seconds(300), serverName: String? = nil, publicMetrics: Bool = false,
                retentionPurgeInterval: Duration? = .seconds(86_400), retentionPurgeDelay: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.engine = engine
        self.secureCookies = secureCookies
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionAbsoluteTimeout = sessionAbsoluteTimeout
        self.passwordCost = passwordCost
        self.signInAttempts = signInAttempts
        self.signInWindow = signInWindow
        self.maximumJSONBytes = maximumJSONBytes
        self.maximumUploadBytes = maximumUploadBytes
        self.uploadFolder = uploadFolder
        self.concurrentJobs = concurrentJobs
        self.retainedJobs = retainedJobs
        self.storeMetricsInterval = storeMetricsInterval
        self.cacheEntries = cacheEntries
        self.cacheLifetime = cacheLifetime
        self.serverName = serverName
        self.publicMetrics = publicMetrics
        self.retentionPurgeInterval = retentionPurgeInterval
        self.retentionPurgeDelay = retentionPurgeDelay
    }

    /// Checks values a front end may have taken from its user.
    package func validate() throws(ServerConfigurationError) {
        guard (0...65_535).contains(port) else { throw .init(field: "port", "the port must be between 0 and 65535") }
        guard !host.isEmpty else { throw .init(field: "host", "the host is empty") }
        guard (4...31).contains(passwordCost) else { throw .init(field: "passwordCost", "the bcrypt cost must be between 4 and 31") }
        guard signInAttempts >= 1 else { throw .init(field: "signInAttempts", "allow at least one sign-in attempt") }
        guard concurrentJobs >= 1 else { throw .init(field: "concurrentJobs", "run at least one job at a time") }
        guard maximumJSONBytes >= 1024, maximumUploadBytes >= 1024 else {
            throw .init(field: "maximumUploadBytes", "body limits must be at least 1 KiB")
        }
        if let interval = retentionPurgeInterval, interval <= .zero {
            throw .init(field: "retentionPurgeInterval", "the purge interval must be longer than zero")
        }
    }
}

/// A configuration value that cannot be used, with the field at fault.
package struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    package var field: String
    package var message: String

    package init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    package var description: String { message }
}
