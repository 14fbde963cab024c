import Foundation
import VigieCore
import VigieIngest

/// Jetstream events read from JSON-lines files (real dumps, `vigie synth --format
/// bluesky-jetstream` output), in their time order, ready to be replayed.
public struct JetstreamRecording: Sendable {
    public struct Event: Sendable {
        /// The line as recorded; `time_us` is replaced when sent.
        public var json: String
        public var did: String
        /// `commit`, `identity`, `account`.
        public var kind: String
        /// The commit's collection (`app.bsky.feed.post`); `nil` for other kinds.
        public var collection: String?
        public var timeMicros: Int64

        public init(json: String, did: String, kind: String, collection: String?, timeMicros: Int64) {
            self.json = json
            self.did = did
            self.kind = kind
            self.collection = collection
            self.timeMicros = timeMicros
        }
    }

    public var events: [Event]

    public init(events: [Event]) {
        self.events = events
    }

    /// Reads every line of `paths`; lines that are not Jetstream events are refused with their
    /// file and line, so that a replay never plays something else by mistake.
    public static func load(_ paths: [String], limit: Int = .max) throws -> JetstreamRecording {
        var events: [Event] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReplayError("\(path): cannot be read")
            }
            var lineNumber = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                if events.count >= limit { break }
                let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }
                if trimmed.isEmpty { continue }
                let value: JSONValue
                do {
                    value = try [UInt8](trimmed).withUnsafeBufferPointer { try JSONParser.parse($0) }
                } catch {
                    throw ReplayError("\(path):\(lineNumber): not JSON (\(error)); the replay plays Jetstream JSON lines")
                }
                guard let did = value["did"]?.string, let micros = value["time_us"]?.double, let kind = value["kind"]?.string else {
                    throw ReplayError("\(path):\(lineNumber): not a Jetstream event (needs did, time_us and kind)")
                }
                events.append(Event(json: String(decoding: trimmed, as: UTF8.self), did: did, kind: kind,
                                    collection: value["commit"]?["collection"]?.string, timeMicros: Int64(micros)))
            }
        }
        // The service plays events in the order of its clock; dumps are only roughly ordered.
        let order = events.indices.sorted { (events[$0].timeMicros, $0) < (events[$1].timeMicros, $1) }
        return JetstreamRecording(events: order.map { events[$0] })
    }
}

/// A replay that cannot start: the message names the file and line, or the option.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension JetstreamRecording.Event {
    /// The JSON with `time_us` set to `micros` and, on passes after the first of a looping replay,
    /// every `rkey` made unique to the pass so that the records are new ones.
    func rendered(micros: Int64, pass: Int) -> String {
        var text = json
        if let range = text.range(of: "\"time_us\":") {
            let value = text[range.upperBound...].drop { $0 == " " }
            let digits = value.prefix { $0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" }
            text.replaceSubrange(range.upperBound..<digits.endIndex, with: String(micros))
        }
        if pass > 0, let range = text.range(of: "\"rkey\":\""), let close = text[range.upperBound...].firstIndex(of: "\"") {
            text.insert(contentsOf: "p\(pass)", at: close)
        }
        return text
    }
}
