import Foundation

/// How a webhook delivery retries: bounded attempts, exponential backoff, a timeout per attempt.
public struct RetryPolicy: Sendable, Hashable, Codable {
    public var maximumAttempts: Int
    /// Delay before the second attempt; each later one multiplies it, up to ``maximumDelay``.
    public var initialDelay: TimeInterval
    public var multiplier: Double
    public var maximumDelay: TimeInterval
    /// Time allowed for one attempt (connect, send, answer), at least 1 s: Foundation on Linux
    /// counts request timeouts in whole seconds.
    public var timeout: TimeInterval
    /// Deliveries in flight at once (to different alerts), so one slow receiver does not hold the others.
    public var concurrency: Int
    /// Failed deliveries in a row after which a receiver is left alone for ``breakerCooldown``
    /// (its alerts stay undelivered and are tried again by a later run).
    public var breakerThreshold: Int
    public var breakerCooldown: TimeInterval

    public init(maximumAttempts: Int = 5, initialDelay: TimeInterval = 1, multiplier: Double = 2,
                maximumDelay: TimeInterval = 60, timeout: TimeInterval = 10, concurrency: Int = 8,
                breakerThreshold: Int = 3, breakerCooldown: TimeInterval = 300) {
        self.maximumAttempts = maximumAttempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.timeout = timeout
        self.concurrency = concurrency
        self.breakerThreshold = breakerThreshold
        self.breakerCooldown = breakerCooldown
    }

    /// The wait before attempt `attempt` (1-based; 0 before the first).
    public func delay(before attempt: Int) -> TimeInterval {
        guard attempt > 1 else { return 0 }
        return min(maximumDelay, initialDelay * pow(multiplier, Double(attempt - 2)))
    }

    /// Whether an answer with this status is worth another attempt: server errors, 408 and 429.
    /// Other client errors (400, 404…) will not get better by retrying.
    public static func isRetryable(status: Int) -> Bool {
        status >= 500 || status == 408 || status == 429
    }

    public func validate() throws(TrendOptionError) {
        guard maximumAttempts >= 1, maximumAttempts <= 20 else { throw TrendOptionError("attempts must be between 1 and 20") }
        guard initialDelay >= 0, multiplier >= 1, maximumDelay >= initialDelay else {
            throw TrendOptionError("backoff needs a delay ≥ 0, a multiplier ≥ 1 and a maximum delay ≥ the first delay")
        }
        guard timeout >= 1 else { throw TrendOptionError("the timeout must be at least 1 second") }
        guard (1...64).contains(concurrency) else { throw TrendOptionError("concurrent deliveries must be between 1 and 64") }
        guard breakerThreshold >= 1, breakerCooldown >= 0 else {
            throw TrendOptionError("the circuit breaker needs a threshold ≥ 1 and a cool-down ≥ 0")
        }
    }
}

/// One attempt at delivering a fired alert, as the delivery log keeps it.
public struct DeliveryAttempt: Sendable, Hashable, Codable {
    public var attempt: Int
    public var at: Date
    public var url: String
    /// The HTTP status when an answer came.
    public var statusCode: Int?
    /// Why the attempt failed (timeout, refused connection, status), when it did.
    public var error: String?
    public var durationMillis: Int
    public var delivered: Bool

    public init(attempt: Int, at: Date, url: String, statusCode: Int?, error: String?, durationMillis: Int, delivered: Bool) {
        self.attempt = attempt
        self.at = at
        self.url = url
        self.statusCode = statusCode
        self.error = error
        self.durationMillis = durationMillis
        self.delivered = delivered
    }
}

/// Sends a JSON document to a URL with retries; the HTTP implementation lives outside the core
/// (`VigieDelivery.WebhookSender`).
public protocol WebhookTransport: Sendable {
    /// Every attempt made, the last one delivered or the last allowed. Waits between attempts
    /// suspend the caller (no thread is blocked); cancellation ends the retries.
    func deliver(_ body: Data, to url: URL, policy: RetryPolicy) async -> [DeliveryAttempt]
}
