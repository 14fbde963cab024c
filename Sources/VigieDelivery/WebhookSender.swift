import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigieCore

/// Delivers JSON documents by HTTP POST with Foundation's URLSession, retrying with exponential
/// backoff (``RetryPolicy``): network errors, timeouts, 5xx, 408 and 429 are retried; any 2xx
/// delivers; other statuses stop at once.
///
/// ```swift
/// let attempts = WebhookSender().deliver(payload, to: URL(string: "http://127.0.0.1:8080/hook")!,
///                                        policy: RetryPolicy(maximumAttempts: 3))
/// ```
public struct WebhookSender: WebhookTransport {
    /// Waits between attempts; tests may pass a shorter one.
    public var sleep: @Sendable (TimeInterval) -> Void
    public var userAgent: String

    public init(userAgent: String = "vigie-webhook/1", sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
        self.userAgent = userAgent
        self.sleep = sleep
    }

    public func deliver(_ body: Data, to url: URL, policy: RetryPolicy) -> [DeliveryAttempt] {
        var attempts: [DeliveryAttempt] = []
        let attemptLimit = max(1, policy.maximumAttempts)
        for number in 1...attemptLimit {
            let wait = policy.delay(before: number)
            if wait > 0 { sleep(wait) }
            let attempt = send(body, to: url, number: number, timeout: policy.timeout)
            attempts.append(attempt)
            if attempt.delivered { break }
            if let status = attempt.statusCode, !RetryPolicy.isRetryable(status: status) { break }
        }
        return attempts
    }

    private func send(_ body: Data, to url: URL, number: Int, timeout: TimeInterval) -> DeliveryAttempt {
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
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { _, response, error in
            outcome.set(status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        // The session's own timeout ends the task; this bound only guards against a stuck one.
        if done.wait(timeout: .now() + timeout + 5) == .timedOut {
            task.cancel()
            outcome.set(status: nil, error: URLError(.timedOut))
        }
        let (status, error) = outcome.value
        let millis = Int(Date().timeIntervalSince(started) * 1000)
        let delivered = error == nil && status.map { (200..<300).contains($0) } == true
        var message: String?
        if let error {
            message = Self.describe(error, timeout: timeout)
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
            default: return "network error \(urlError.code.rawValue): \(urlError.localizedDescription)"
            }
        }
        return "\(error)"
    }
}

/// The result of one request, written by URLSession's queue and read after the semaphore.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var status: Int?
    private var error: (any Error)?
    private var isSet = false

    func set(status: Int?, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        guard !isSet else { return }
        isSet = true
        self.status = status
        self.error = error
    }

    var value: (Int?, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (status, error)
    }
}
