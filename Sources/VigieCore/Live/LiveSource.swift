import Foundation

/// A live source of records: a Bluesky Jetstream subscription or a Mastodon instance's
/// timelines. Sources are configuration stored in the workspace (``SourceStore``); a listener
/// runs every source that is not paused.
///
/// ```swift
/// let source = LiveSource(name: "bsky", settings: .jetstream(JetstreamSettings(collections: ["app.bsky.feed.post"])))
/// try source.validate()
/// ```
public struct LiveSource: Sendable, Hashable {
    public var name: String
    public var settings: SourceSettings
    /// The access token (Mastodon streaming needs a user token since Mastodon 4.2).
    public var token: SourceToken?
    public var paused: Bool
    public var createdAt: Date

    public init(name: String, settings: SourceSettings, token: SourceToken? = nil, paused: Bool = false,
                createdAt: Date = Date()) {
        self.name = name
        self.settings = settings
        self.token = token
        self.paused = paused
        self.createdAt = createdAt
    }

    public var kind: SourceKind { settings.kind }

    /// Source names: letters, digits, `-`, `_` and `.`, at most 64.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// Checks the name and the settings; the error names the field at fault.
    public func validate() throws(SourceConfigurationError) {
        guard Self.isValidName(name) else {
            throw SourceConfigurationError(field: "name", "source name '\(name)' is not valid: use letters, digits, '-', '_' and '.' (at most 64)")
        }
        switch settings {
        case .jetstream(let jetstream): try jetstream.validate()
        case .mastodon(let mastodon): try mastodon.validate()
        }
        if let token, token.value.isEmpty || token.value.contains(where: \.isWhitespace) {
            throw SourceConfigurationError(field: "token", "the access token is empty or holds spaces or line breaks")
        }
    }
}

public enum SourceKind: String, Sendable, Hashable, Codable, CaseIterable {
    case jetstream
    case mastodon
}

/// What a source listens to, by kind.
public enum SourceSettings: Sendable, Hashable, Codable {
    case jetstream(JetstreamSettings)
    case mastodon(MastodonSettings)

    public var kind: SourceKind {
        switch self {
        case .jetstream: return .jetstream
        case .mastodon: return .mastodon
        }
    }

    private enum CodingKeys: String, CodingKey { case jetstream, mastodon }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let jetstream = try container.decodeIfPresent(JetstreamSettings.self, forKey: .jetstream) {
            self = .jetstream(jetstream)
        } else if let mastodon = try container.decodeIfPresent(MastodonSettings.self, forKey: .mastodon) {
            self = .mastodon(mastodon)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "source settings of an unknown kind"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .jetstream(let settings): try container.encode(settings, forKey: .jetstream)
        case .mastodon(let settings): try container.encode(settings, forKey: .mastodon)
        }
    }
}

/// Where a source starts when it has no cursor yet.
public enum SourceStart: Sendable, Hashable, Codable, CustomStringConvertible {
    /// From now on (the stream's live tail).
    case live
    /// From this time (Jetstream keeps about a day; Mastodon ids encode their time).
    case since(Date)

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text == "live" {
            self = .live
        } else if let date = DateParsing.parse(text) {
            self = .since(date)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "start '\(text)' is neither 'live' nor a date"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public var description: String {
        switch self {
        case .live: return "live"
        case .since(let date): return DateParsing.iso8601(date)
        }
    }
}

/// An access token. It is stored with its source and sent to its server only: its description
/// hides it, so that a log line or an error message that interpolates it by mistake leaks nothing.
public struct SourceToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public var description: String { "(token hidden)" }
    public var debugDescription: String { description }
}

/// A source setting that cannot be used: the field and what to change.
public struct SourceConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The settings field at fault (`collections`, `instance`, `hashtag`…).
    public var field: String
    public var message: String

    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
