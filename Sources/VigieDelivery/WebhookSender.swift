import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization
import VigieCore

/// Delivers JSON documents by HTTP POST with Foundation's URLSession, retrying with exponential
/// backoff (``RetryPolicy``): network errors, timeouts, 5xx, 408 and 429 are retried; any 2xx
/// delivers; other statuses stop at once. Waits suspend the task (no thread sleeps); cancelling
/// the task ends the retries.
///
/// ```swift
/// let attempts = await WebhookSender().deliver(payload, to: URL(string: "http://127.0.0.1:8080/hook")!,
///                                              policy: RetryPolicy(maximumAttempts: 3))
/// ```
public struct WebhookSender: WebhookTransport {
    /// Waits between attempts; tests may pass one that records the waits.
    public var sleep: @Sendable (TimeInterval) async -> Void
    public var userAgent: String

    public init(userAgent: String = "vigie-webhook/1",
                sleep: @escaping @Sendable (TimeInterval) async -> Void = { try? await Task.sleep(for: .seconds($0)) }) {
        self.userAgent = userAgent
        self.sleep = sleep
    }

    public func deliver(_ body: Data, to url: URL, policy: RetryPolicy) async -> [DeliveryAttempt] {
        var attempts: [DeliveryAttempt] = []
        let attemptLimit = max(1, policy.maximumAttempts)
        for number in 1...attemptLimit {
            let wait = policy.delay(before: number)
            if wait > 0 { await sleep(wait) }
            if Task.isCancelled { break }
            let attempt = await send(body, to: url, number: number, timeout: policy.timeout)
            attempts.append(attempt)
            if attempt.delivered { break }
            if let status = attempt.statusCode, !RetryPolicy.isRetryable(status: status) { break }
        }
        return attempts
    }

    private func send(_ body: Data, to url: URL, number: Int, timeout: TimeInterval) async -> DeliveryAttempt {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(userAgent, forHTTPHeaderField: "User-Agent")
        request.setValue(String(number), forHTTPHeaderField: "X-Vigie-Attempt")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        let started = Date()
        var status: Int?
        var failure: (any Error)?
        // The session's own timeout ends the request; the second child only guards against a
        // request that never ends, whatever the session does. Its time counts from when the
        // request starts: on a saturated executor the request's task may start late, and must not
        // be declared timed out before it was even sent.
        let finalRequest = request
        let requestStart = RequestStart()
        let outcome = await withTaskGroup(of: Result<Int?, any Error>?.self) { group in
            group.addTask {
                requestStart.mark()
                do {
                    let (_, response) = try await session.data(for: finalRequest)
                    return .success((response as? HTTPURLResponse)?.statusCode)
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                let limit = Duration.seconds(timeout + 5)
                var wait = limit
                while !Task.isCancelled {
                    try? await Task.sleep(for: wait)
                    guard let start = requestStart.instant else { continue }
                    let elapsed = ContinuousClock.now - start
                    if elapsed >= limit { return nil }
                    wait = limit - elapsed
                }
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        switch outcome {
        case .success(let code): status = code
        case .failure(let error): failure = error
        case nil: failure = URLError(.timedOut)
        }
        let millis = Int(Date().timeIntervalSince(started) * 1000)
        let delivered = failure == nil && status.map { (200..<300).contains($0) } == true
        var message: String?
        if let failure {
            message = Self.describe(failure, timeout: timeout)
        } else if let status, !delivered {
            message = "HTTP \(status)"
        }
        return DeliveryAttempt(attempt: number, at: started, url: url.absoluteString, statusCode: status, error: message,
                               durationMillis: millis, delivered: delivered)
    }

    static func describe(_ error: any Error, timeout: TimeInterval) -> String {
        if let urlError = error as? URLError {
            switch urlError.code {
            case .timedOut: return "timed out after " + String(format: "%.1f s", timeout)
            case .cannotConnectToHost: return "connection refused"
            case .cannotFindHost: return "unknown host"
            case .networkConnectionLost: return "connection closed before an answer"
            case .cancelled: return "cancelled"
            default: return "network error \(urlError.code.rawValue): \(urlError.localizedDescription)"
            }
        }
        return "\(error)"
    }
}

/// When a request's task started, shared by the request and its guard.
private final class RequestStart: Sendable {
    private let start = Mutex<ContinuousClock.Instant?>(nil)

    var instant: ContinuousClock.Instant? { start.withLock { $0 } }

    func mark() { start.withLock { $0 = .now } }
}
