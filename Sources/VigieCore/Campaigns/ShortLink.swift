import Foundation

/// A first-party short link: `GET /{code}` on the brand's link domain redirects to `target` with
/// the UTM parameters appended. One link per influencer and channel, so every click says who
/// brought it and where.
public struct ShortLink: Sendable, Hashable, Codable {
    /// Unguessable: ``ShortCode/make()``.
    public var code: String
    public var campaign: String
    /// The influencer whose audience the link is for, `nil` for the brand's own channels.
    public var influencer: AccountKey?
    /// Where it is posted (`instagram-story`, `newsletter`, `bio`): free text, a slug.
    public var channel: String?
    /// The validated destination (http or https, no credentials).
    public var target: String
    public var utm: UTMParameters
    /// Answer 301 (cached by browsers, so later clicks are not seen) instead of 302.
    public var permanent: Bool
    /// Append `vgclid=<click id>` so a conversion on the brand's site can name its click.
    public var appendsClickID: Bool
    public var createdAt: Date

    public init(code: String, campaign: String, influencer: AccountKey? = nil, channel: String? = nil, target: String,
                utm: UTMParameters = UTMParameters(), permanent: Bool = false, appendsClickID: Bool = true, createdAt: Date = Date()) {
        self.code = code
        self.campaign = campaign
        self.influencer = influencer
        self.channel = channel
        self.target = target
        self.utm = utm
        self.permanent = permanent
        self.appendsClickID = appendsClickID
        self.createdAt = createdAt
    }

    /// The query parameter carrying the click id on the target URL.
    public static let clickIDParameter = "vgclid"

    /// The URL a click is sent to: the target with the UTM parameters (and the click id) appended;
    /// parameters the target already has are kept as they are.
    public func destination(clickID: String?) -> String {
        var pairs = utm.pairs
        if appendsClickID, let clickID { pairs.append((Self.clickIDParameter, clickID)) }
        guard !pairs.isEmpty, var components = URLComponents(string: target) else { return target }
        var items = components.percentEncodedQueryItems ?? []
        let present = Set(items.map(\.name))
        for (name, value) in pairs where !present.contains(name) {
            items.append(URLQueryItem(name: name, value: value.addingPercentEncoding(withAllowedCharacters: Self.queryValue) ?? value))
        }
        components.percentEncodedQueryItems = items
        return components.string ?? target
    }

    private static let queryValue: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()
}

/// The UTM parameters appended to a link's target (`utm_source`, `utm_medium`, …).
public struct UTMParameters: Sendable, Hashable, Codable {
    public var source: String?
    public var medium: String?
    public var campaign: String?
    public var content: String?
    public var term: String?

    public init(source: String? = nil, medium: String? = nil, campaign: String? = nil, content: String? = nil, term: String? = nil) {
        self.source = source
        self.medium = medium
        self.campaign = campaign
        self.content = content
        self.term = term
    }

    var pairs: [(String, String)] {
        [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign), ("utm_content", content), ("utm_term", term)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    /// The first value that is too long or holds a control character, with its parameter name.
    public func invalidParameter() -> String? {
        for (name, value) in pairs where value.isEmpty || value.count > 200 || value.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control }) {
            return name
        }
        return nil
    }
}

/// Why a link target is refused.
public struct LinkTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum LinkTarget {
    /// The longest target accepted.
    public static let maximumLength = 2048

    /// Checks a target at creation so the redirector never answers something dangerous: an
    /// absolute http(s) URL with a host, no user name or password, no whitespace or control
    /// characters (header injection), not longer than 2,048 characters.
    public static func validate(_ text: String) throws(LinkTargetError) -> String {
        guard text.count <= maximumLength else {
            throw LinkTargetError(message: "the target URL is longer than \(maximumLength) characters")
        }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control }) else {
            throw LinkTargetError(message: "the target URL holds spaces or control characters (line breaks are refused: they would inject headers)")
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw LinkTargetError(message: "'\(text.prefix(80))' is not an absolute URL: write it with https://")
        }
        guard scheme == "https" || scheme == "http" else {
            throw LinkTargetError(message: "the target URL's scheme is '\(scheme)': only http and https are redirected to")
        }
        guard let host = components.host, !host.isEmpty else {
            throw LinkTargetError(message: "the target URL has no host")
        }
        guard components.user == nil, components.password == nil else {
            throw LinkTargetError(message: "the target URL holds a user name or password: remove them")
        }
        return text
    }
}

/// Short codes: 10 characters of base 62 from the system's random generator (about 59 bits), so
/// with even a million links a guess hits one once in 800 billion tries; the redirector limits
/// how many unknown codes one visitor may try.
public enum ShortCode {
    public static let length = 10
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Whether `text` could be a code (the redirector answers 404 without reading the store otherwise).
    public static func isWellFormed(_ text: Substring) -> Bool {
        text.utf8.count == length && isAlphanumeric(text.utf8)
    }

    /// Whether `text` could be a click id.
    public static func isWellFormedClickID(_ text: String) -> Bool {
        text.utf8.count == 22 && isAlphanumeric(text.utf8)
    }

    static func isAlphanumeric(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { byte in (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) }
    }

    /// A random click id (22 characters of base 62, 128 bits), carried to the brand's site.
    public static func makeClickID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<22).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
