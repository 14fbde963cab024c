import Foundation

/// Exponential backoff with jitter between reconnects: attempt n waits a random time between
/// half and all of `min(maximum, initial × 2ⁿ)`, so that many clients cut off together do not
/// come back together, and none waits less than half its step.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    private(set) var attempt = 0

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
    }

    /// The next wait; each call doubles the step up to `maximum`.
    public mutating func next<R: RandomNumberGenerator>(using random: inout R) -> Duration {
        let step = min(maximum, initial * (1 << min(attempt, 30)))
        attempt += 1
        let seconds = Double(step.components.seconds) + Double(step.components.attoseconds) / 1e18
        return .milliseconds(Int64((seconds * Double.random(in: 0.5...1, using: &random)) * 1000))
    }

    public mutating func next() -> Duration {
        var random = SystemRandomNumberGenerator()
        return next(using: &random)
    }

    /// After a connection that worked: the next failure waits `initial` again.
    public mutating func reset() {
        attempt = 0
    }
}
