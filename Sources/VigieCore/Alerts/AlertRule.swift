import Foundation

/// A rule that watches one target (a watch, a query, or the whole workspace) and fires alerts.
///
/// ```swift
/// let rule = AlertRule(name: "velo-spike", target: .watch("velo"), kind: .spike,
///                      webhookURL: "http://127.0.0.1:8080/hook")
/// ```
public struct AlertRule: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The target's volume spikes (``SpikeDetector``).
        case spike
        /// A weak signal inside the target reaches ``AlertSettings/minimumSignalScore``.
        case weakSignal = "weak-signal"
        /// The share of negative or positive posts moves significantly (``SentimentShiftDetector``).
        case sentimentShift = "sentiment-shift"
    }

    /// What the rule reads. Watches are referred to by name: they live in another part of the store.
    public enum Target: Sendable, Hashable, Codable, CustomStringConvertible {
        case watch(String)
        case query(String)
        case all

        public var description: String {
            switch self {
            case .watch(let name): return "watch \(name)"
            case .query(let query): return "query \(query)"
            case .all: return "all posts"
            }
        }
    }

    public var name: String
    public var target: Target
    public var kind: Kind
    public var settings: AlertSettings
    /// Where fired alerts are POSTed as JSON; `nil` keeps them in the store only.
    public var webhookURL: String?
    public var enabled: Bool
    public var createdAt: Date

    public init(name: String, target: Target, kind: Kind, settings: AlertSettings = AlertSettings(),
                webhookURL: String? = nil, enabled: Bool = true, createdAt: Date = Date()) {
        self.name = name
        self.target = target
        self.kind = kind
        self.settings = settings
        self.webhookURL = webhookURL
        self.enabled = enabled
        self.createdAt = createdAt
    }

    /// Rule names: letters, digits, `-`, `_` and `.`, at most 64.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    /// Checks the name, the URL and the settings; the message says what to change.
    public func validate() throws(TrendOptionError) {
        guard Self.isValidName(name) else {
            throw TrendOptionError("alert name '\(name)' is not valid: use letters, digits, '-', '_' and '.' (at most 64)")
        }
        if let webhookURL {
            guard let url = URL(string: webhookURL), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host != nil else {
                throw TrendOptionError("webhook URL '\(webhookURL)' is not an http(s) URL: use e.g. http://127.0.0.1:8080/hook")
            }
        }
        try settings.validate()
    }
}

/// Settings of every kind of rule; a rule uses those of its kind. All have defaults.
public struct AlertSettings: Sendable, Hashable, Codable {
    /// Volume buckets for spike rules.
    public var bucket: TimeInterval
    public var spike: SpikeOptions
    public var signal: WeakSignalOptions
    /// A weak-signal rule fires for signals at or above this significance.
    public var minimumSignalScore: Double
    public var sentiment: SentimentShiftOptions
    /// A spike fires an alert when it fired within this long before the evaluation time.
    public var lookback: TimeInterval

    public init(bucket: TimeInterval = 3600, spike: SpikeOptions = SpikeOptions(),
                signal: WeakSignalOptions = WeakSignalOptions(limit: 10), minimumSignalScore: Double = 10,
                sentiment: SentimentShiftOptions = SentimentShiftOptions(), lookback: TimeInterval = 86_400) {
        self.bucket = bucket
        self.spike = spike
        self.signal = signal
        self.minimumSignalScore = minimumSignalScore
        self.sentiment = sentiment
        self.lookback = lookback
    }

    public func validate() throws(TrendOptionError) {
        guard bucket >= 60 else { throw TrendOptionError("the bucket must be at least 1 minute (e.g. 1h)") }
        guard lookback > 0 else { throw TrendOptionError("the lookback must be longer than 0 (e.g. 1d)") }
        try spike.validate()
        try signal.validate()
        try sentiment.validate()
    }
}
