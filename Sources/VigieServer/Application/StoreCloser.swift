import Logging
import ServiceLifecycle
import VigieCore

/// Holds the store open while the server runs and closes it last on shutdown: it is the first
/// service of the group, and a service group stops its services in reverse order, so the HTTP
/// server (in-flight requests answered) and the job queue have stopped by then.
struct StoreCloser: Service {
    let store: any Store
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        do {
            try await store.close()
            logger.info("store closed", metadata: ["store": "\(store.location)"])
        } catch {
            logger.error("store not closed cleanly", metadata: ["error": "\(error)"])
        }
    }
}
