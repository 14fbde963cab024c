import Foundation

/// An alert a rule fired, with its evidence. `key` names the event (the spike's start, the
/// signal's item, the sentiment window) so that evaluating again never fires it twice.
public struct FiredAlert: Sendable, Hashable, Codable {
    public var rule: String
    public var kind: AlertRule.Kind
    public var key: String
    /// When the rule was evaluated, and the time the event is about.
    public var firedAt: Date
    public var observedAt: Date
    /// One sentence: what was observed, against what baseline, and why it fired.
    public var summary: String
    public var spike: Spike?
    public var signal: WeakSignal?
    public var sentiment: SentimentShift?
    /// How much of the surge comes from likely fake accounts and coordinated clusters (spike and
    /// weak-signal alerts, added when the alert first fires).
    public var authenticity: SurgeAuthenticity?

    public init(rule: String, kind: AlertRule.Kind, key: String, firedAt: Date, observedAt: Date, summary: String,
                spike: Spike? = nil, signal: WeakSignal? = nil, sentiment: SentimentShift? = nil) {
        self.rule = rule
        self.kind = kind
        self.key = key
        self.firedAt = firedAt
        self.observedAt = observedAt
        self.summary = summary
        self.spike = spike
        self.signal = signal
        self.sentiment = sentiment
    }
}

/// The JSON document POSTed to a webhook.
public struct AlertPayload: Sendable, Hashable, Codable {
    /// `vigie.alert/1`: receivers can dispatch on it.
    public var schema = "vigie.alert/1"
    public var workspace: String
    public var rule: String
    public var target: String
    public var watch: String?
    public var query: String?
    public var kind: AlertRule.Kind
    public var key: String
    public var firedAt: Date
    public var observedAt: Date
    public var summary: String
    public var spike: Spike?
    public var signal: WeakSignal?
    public var sentiment: SentimentShift?
    public var authenticity: SurgeAuthenticity?
    /// Set by `vigie alerts test`.
    public var test: Bool

    public init(alert: FiredAlert, rule: AlertRule, workspace: String, test: Bool = false) {
        self.workspace = workspace
        self.rule = rule.name
        self.target = rule.target.description
        if case .watch(let name) = rule.target { watch = name }
        if case .query(let text) = rule.target { query = text }
        kind = alert.kind
        key = alert.key
        firedAt = alert.firedAt
        observedAt = alert.observedAt
        summary = alert.summary
        spike = alert.spike
        signal = alert.signal
        sentiment = alert.sentiment
        authenticity = alert.authenticity
        self.test = test
    }

    /// Stable JSON (sorted keys, ISO 8601 dates), as sent.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }
}

/// One post as alert evaluation reads it.
public struct AlertPost: Sendable, Hashable {
    public var time: Date
    public var author: String
    public var text: String
    public var language: String?
    public var hashtags: [String]
    public var mentions: [String]
    public var urls: [String]
    public var isReply: Bool
    /// Reposts count in volume (spikes) but not as uses of items (weak signals).
    public var isRepost: Bool

    public init(time: Date, author: String, text: String, language: String? = nil, hashtags: [String] = [],
                mentions: [String] = [], urls: [String] = [], isReply: Bool = false, isRepost: Bool = false) {
        self.time = time
        self.author = author
        self.text = text
        self.language = language
        self.hashtags = hashtags
        self.mentions = mentions
        self.urls = urls
        self.isReply = isReply
        self.isRepost = isRepost
    }

    public init(_ post: Post) {
        self.init(time: post.createdAt, author: post.authorID, text: post.text, language: post.language,
                  hashtags: post.hashtags, mentions: post.mentions.map(\.handle), urls: post.urls,
                  isReply: post.replyToPostID != nil, isRepost: post.repostOfID != nil)
    }
}

/// What a rule is evaluated over: a spike rule counts its target's posts, so their volume per
/// bucket is enough (a listener evaluates every minute over days of matches, and a store counts
/// them without reading them); weak-signal and sentiment rules read the posts.
public enum AlertInput: Sendable {
    case volume(VolumeSeries)
    case posts([AlertPost])

    /// What `rule` needs of the posts.
    public enum Need: Sendable { case volume, posts }

    public static func need(of rule: AlertRule) -> Need { rule.kind == .spike ? .volume : .posts }

    /// The volume from the bucket holding `from` through the one holding `through`.
    public func volume(bucket: TimeInterval, from: Date, through: Date) -> VolumeSeries {
        switch self {
        case .volume(let series): series.restricted(from: from, through: through)
        case .posts(let posts):
            VolumeSeries(times: posts.map(\.time).filter { $0 >= from && $0 <= through }, bucket: bucket,
                         from: from, through: through)
        }
    }

    /// The posts; none when only their volume was read.
    public var posts: [AlertPost] {
        switch self {
        case .volume: []
        case .posts(let posts): posts
        }
    }
}

/// Evaluates a rule over the posts of its target as of a time.
public struct AlertEvaluator: Sendable {
    public var extractor: TrendItemExtractor
    /// Needed by sentiment-shift rules only.
    public var sentiment: AlertSentimentClassifier?

    public init(extractor: TrendItemExtractor = TrendItemExtractor(), sentiment: AlertSentimentClassifier? = nil) {
        self.extractor = extractor
        self.sentiment = sentiment
    }

    /// How far back posts are needed to evaluate `rule` as of some time.
    public static func history(for rule: AlertRule) -> TimeInterval {
        let s = rule.settings
        switch rule.kind {
        case .spike: return s.lookback + Double(s.spike.seasonalDays + 1) * 86_400
        case .weakSignal: return s.signal.window + max(s.signal.baseline, s.signal.minimumHistory)
        case .sentimentShift: return s.sentiment.window + s.sentiment.baseline
        }
    }

    /// What `rule` fires as of `at`, from `posts` (any order). Throws when a sentiment rule has no classifier.
    public func evaluate(_ rule: AlertRule, posts: [AlertPost], at: Date) throws(TrendOptionError) -> [FiredAlert] {
        try evaluate(rule, input: .posts(posts), at: at)
    }

    /// What `rule` fires as of `at`, from its input (posts in any order, or only their volume for
    /// a spike rule, in buckets of the rule's width). Throws when a sentiment rule has no classifier.
    public func evaluate(_ rule: AlertRule, input: AlertInput, at: Date) throws(TrendOptionError) -> [FiredAlert] {
        let s = rule.settings
        let posts = input.posts
        switch rule.kind {
        case .spike:
            let from = at.addingTimeInterval(-Self.history(for: rule))
            let series = input.volume(bucket: s.bucket, from: from, through: at)
            let lookbackStart = at.addingTimeInterval(-s.lookback)
            return SpikeDetector(options: s.spike).detect(in: series)
                .filter { $0.firedAt > lookbackStart && $0.firedAt <= at }
                .map { spike in
                    FiredAlert(rule: rule.name, kind: .spike, key: "spike:" + DateParsing.iso8601(spike.start),
                               firedAt: at, observedAt: spike.firedAt, summary: spike.explanation, spike: spike)
                }
        case .weakSignal:
            var input = TrendInput(extractor: extractor)
            for post in posts where !post.isRepost {
                input.append(time: post.time, author: post.author,
                             items: extractor.items(text: post.text, language: post.language, hashtags: post.hashtags,
                                                    mentions: post.mentions, urls: post.urls, isReply: post.isReply))
            }
            let report = WeakSignalDetector(options: s.signal).report(in: TrendIndex(input), at: at)
            return report.signals.filter { $0.score >= s.minimumSignalScore }.map { signal in
                FiredAlert(rule: rule.name, kind: .weakSignal, key: "signal:\(signal.kind.rawValue):\(signal.key)",
                           firedAt: at, observedAt: at, summary: "weak signal " + signal.explanation, signal: signal)
            }
        case .sentimentShift:
            guard let sentiment else {
                throw TrendOptionError("rule '\(rule.name)' needs a sentiment classifier, and none is available in this build")
            }
            let detector = SentimentShiftDetector(options: s.sentiment, classifier: sentiment)
            guard let shift = detector.shift(in: posts.map { ($0.time, $0.text, $0.language) }, at: at) else { return [] }
            // One alert per label and window: the key is the window the evaluation time falls in.
            let slot = Int((at.timeIntervalSince1970 / s.sentiment.window).rounded(.down))
            return [FiredAlert(rule: rule.name, kind: .sentimentShift, key: "sentiment:\(shift.label):\(slot)",
                               firedAt: at, observedAt: at, summary: "sentiment shift: " + shift.explanation,
                               sentiment: shift)]
        }
    }
}
