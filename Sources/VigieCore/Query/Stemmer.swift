import CLibStemmer
import Foundation

/// A Snowball stemmer (French, English…) from libstemmer: `influenceuses` → `influenceus`.
///
/// libstemmer's `sb_stemmer` keeps its working buffer inside the stemmer, so one instance must not
/// stem on two threads at once; this class serialises calls with a lock, which makes it safe to
/// share (`Sendable`). For heavy parallel use, give each task its own instance.
public final class Stemmer: @unchecked Sendable {
    /// Snowball algorithm name: `french`, `english`, `german`…
    public let language: String
    private let stemmer: OpaquePointer
    private let lock = NSLock()

    /// `nil` when libstemmer has no algorithm of that name.
    public init?(language: String) {
        guard let stemmer = sb_stemmer_new(language, "UTF_8") else { return nil }
        self.language = language
        self.stemmer = stemmer
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// The stem of one lowercase word. Words over 1,000 bytes are returned unchanged.
    public func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes -> String in
            guard bytes.count <= 1_000, let base = bytes.baseAddress else { return String(decoding: bytes, as: UTF8.self) }
            lock.lock()
            defer { lock.unlock() }
            guard let result = sb_stemmer_stem(stemmer, base, Int32(bytes.count)) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            let length = Int(sb_stemmer_length(stemmer))
            return String(decoding: UnsafeBufferPointer(start: result, count: length), as: UTF8.self)
        }
    }

}

/// The stems the query language compares in stemmed mode: Snowball French and English over folded
/// words, with a French agent-noun step on top.
///
/// Snowball French does not conflate masculine and feminine agent nouns consistently
/// (`influenceur` → `influenceur` but `influenceuse` → `influenc`; `chanteuse` → `chanteux`;
/// `créatrice` → `créatric`), so French stems are then rewritten: `…eux` → `…eur`,
/// `…tric` → `…teur`, and a final `eur` is dropped when at least four letters remain. The result:
/// `influenceur`, `influenceurs`, `influenceuse`, `influenceuses` all stem to `influenc`.
enum QueryStemming {
    private static let french = Stemmer(language: "french")
    private static let english = Stemmer(language: "english")

    /// One stem per language (French first), for a folded word.
    static func stems(of folded: String) -> [String] {
        var result: [String] = []
        if let french { result.append(frenchAgentNoun(french.stem(folded))) }
        if let english { result.append(english.stem(folded)) }
        return result
    }

    static func frenchAgentNoun(_ stem: String) -> String {
        var stem = stem
        if stem.hasSuffix("eux") {
            stem.removeLast(3)
            stem += "eur"
        } else if stem.hasSuffix("tric") {
            stem.removeLast(4)
            stem += "teur"
        }
        if stem.hasSuffix("eur"), stem.count - 3 >= 4 { stem.removeLast(3) }
        return stem
    }
}

/// ``QueryStemming`` stems of the words already seen: a corpus repeats its words, and a dictionary
/// look-up is several times cheaper than two Snowball runs. Bounded; not shared between threads.
public struct StemCache: Sendable {
    private var known: [String: [String]] = [:]
    /// Bounds the memory a varied corpus can take (about 100 MB at most).
    private let capacity: Int

    public init(capacity: Int = 500_000) {
        self.capacity = capacity
    }

    /// One stem per language (French first) of a folded word, as ``QueryStemming/stems(of:)``.
    public mutating func stems(of folded: String) -> [String] {
        if let stems = known[folded] { return stems }
        let stems = QueryStemming.stems(of: folded)
        if known.count >= capacity { known.removeAll(keepingCapacity: true) }
        known[folded] = stems
        return stems
    }
}
