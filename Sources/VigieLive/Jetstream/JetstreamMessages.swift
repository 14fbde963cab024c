import Foundation
import VigieCore
import VigieIngest

/// Turns Jetstream messages into records with the existing ``JetstreamDecoder``, and tracks the
/// stream's position: the newest `time_us` seen (v1), or the server's sequence number when
/// events carry one (v2's `seq`). A message that is not an event is a reject, never a failure.
struct JetstreamMessages {
    let source: String
    let maxMessageBytes: Int
    private var decoder = JetstreamDecoder()
    private let zstd: ZstdDecompressor?
    private(set) var position: SourcePosition?
    /// Events the decoder skips (unknown kinds, collections not imported), since the start.
    private(set) var skipped = 0

    init(source: String, maxMessageBytes: Int, zstd: ZstdDecompressor?, position: SourcePosition?) {
        self.source = source
        self.maxMessageBytes = maxMessageBytes
        self.zstd = zstd
        self.position = position
    }

    var rejectFile: String { "jetstream:\(source)" }

    /// A text message (uncompressed streams).
    mutating func decode(text: String) -> LiveChunk {
        var text = text
        return text.withUTF8 { decode(json: $0) }
    }

    /// A binary message: a zstd frame when compression was asked for.
    mutating func decode(binary bytes: UnsafeRawBufferPointer) -> LiveChunk {
        guard let zstd else {
            return reject("a binary message on an uncompressed stream", excerpt: "\(bytes.count) bytes")
        }
        let json: [UInt8]
        do {
            json = try zstd.decompress(bytes, limit: maxMessageBytes)
        } catch {
            return reject("a compressed message that cannot be decompressed: \(error)", excerpt: "\(bytes.count) bytes")
        }
        return json.withUnsafeBufferPointer { decode(json: $0) }
    }

    mutating func decode(json bytes: UnsafeBufferPointer<UInt8>) -> LiveChunk {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            return reject("malformed JSON: \(error)", excerpt: rejectExcerpt(bytes))
        }
        let micros = value["time_us"]?.double.map { Int64($0) }
        let eventTime = micros.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }
        if let sequence = value["seq"]?.int {
            position = .sequence(Int64(sequence))
        } else if let micros {
            if case .microseconds(let current)? = position, current >= micros {
                // Events are only roughly ordered: the position never goes back.
            } else {
                position = .microseconds(micros)
            }
        }
        var chunk = LiveChunk(position: position, eventTime: eventTime)
        do {
            try decoder.decode(value, into: &chunk.items)
        } catch let error as RecordError where error.kind == .skipped {
            skipped += 1
        } catch {
            chunk.rejects.append(Reject(file: rejectFile, line: Int(micros ?? Self.arrivalMicros()),
                                        format: ImportFormat.jetstream.rawValue, reason: "\(error)",
                                        excerpt: rejectExcerpt(bytes)))
        }
        return chunk
    }

    private func reject(_ reason: String, excerpt: String) -> LiveChunk {
        LiveChunk(rejects: [Reject(file: rejectFile, line: Int(Self.arrivalMicros()), format: ImportFormat.jetstream.rawValue,
                                   reason: reason, excerpt: excerpt)],
                  position: position)
    }

    /// Rejects without an event time are numbered by their arrival, so two never collide.
    private static func arrivalMicros() -> Int64 {
        Int64(Date().timeIntervalSince1970 * 1_000_000)
    }
}

/// The subscribe URL of a Jetstream connection, and the options message that replaces the query
/// when it would be too long (many DIDs).
struct JetstreamSubscription {
    var settings: JetstreamSettings

    /// Query strings longer than this go in an `options_update` message instead.
    static let longestQuery = 6_000

    /// The URL to open, resuming from `position` (rewound by the settings' rewind for a time).
    func url(resumingFrom position: SourcePosition?) -> (url: String, optionsMessage: String?) {
        var query: [String] = []
        var options: [String] = []
        for collection in settings.collections {
            options.append("wantedCollections=" + Self.escape(collection))
        }
        for did in settings.dids {
            options.append("wantedDids=" + Self.escape(did))
        }
        let optionsLength = options.reduce(0) { $0 + $1.count + 1 }
        var message: String?
        if optionsLength > Self.longestQuery {
            query.append("requireHello=true")
            message = optionsUpdate()
        } else {
            query += options
        }
        switch position {
        case .microseconds(let micros)?:
            query.append("cursor=\(max(0, micros - Int64(settings.rewindSeconds * 1_000_000)))")
        case .sequence(let sequence)?:
            query.append("cursor=\(sequence)")
        case .ids?, nil:
            break
        }
        if settings.compress { query.append("compress=true") }
        return (query.isEmpty ? settings.endpoint : settings.endpoint + "?" + query.joined(separator: "&"), message)
    }

    /// `{"type":"options_update","payload":{"wantedCollections":[…],"wantedDids":[…]}}`.
    func optionsUpdate() -> String {
        struct Payload: Encodable {
            var wantedCollections: [String]
            var wantedDids: [String]
        }
        struct Message: Encodable {
            var type = "options_update"
            var payload: Payload
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let message = Message(payload: Payload(wantedCollections: settings.collections, wantedDids: settings.dids))
        return (try? encoder.encode(message)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
