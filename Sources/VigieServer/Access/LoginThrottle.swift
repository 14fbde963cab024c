/// Counts failed sign-ins to slow down password guessing: at most `attempts` failures per login
/// and client address within `window`, and four times that per login from all addresses (a
/// guesser spreading over many addresses). Kept in memory: a restart forgets it, which costs a
/// guesser no more than a window.
actor LoginThrottle {
    private let attempts: Int
    private let window: Duration
    private var failures: [String: [ContinuousClock.Instant]] = [:]
    /// Beyond this many keys, keys without a failure inside the window are dropped.
    private let pruneThreshold = 10_000

    init(attempts: Int, window: Duration) {
        self.attempts = attempts
        self.window = window
    }

    /// The seconds to wait before trying `login` again from `client`; `nil` when allowed now.
    func retryAfter(login: String, client: String, now: ContinuousClock.Instant = .now) -> Int? {
        let keys = [Self.key(login, client), Self.key(login, nil)]
        let limits = [attempts, attempts * 4]
        var wait: Duration?
        for (key, limit) in zip(keys, limits) {
            let recent = (failures[key] ?? []).filter { now - $0 < window }
            if recent.count >= limit, let oldest = recent.first {
                let remaining = window - (now - oldest)
                wait = max(wait ?? .zero, remaining)
            }
        }
        guard let wait else { return nil }
        return max(1, Int(wait.components.seconds) + 1)
    }

    func recordFailure(login: String, client: String, now: ContinuousClock.Instant = .now) {
        for key in [Self.key(login, client), Self.key(login, nil)] {
            var recent = (failures[key] ?? []).filter { now - $0 < window }
            recent.append(now)
            failures[key] = recent
        }
        if failures.count > pruneThreshold {
            failures = failures.filter { _, times in times.contains { now - $0 < window } }
        }
    }

    /// A successful sign-in from `client` clears its count (not the count over all addresses).
    func recordSuccess(login: String, client: String) {
        failures[Self.key(login, client)] = nil
    }

    private static func key(_ login: String, _ client: String?) -> String {
        login.lowercased() + "|" + (client ?? "*")
    }
}
