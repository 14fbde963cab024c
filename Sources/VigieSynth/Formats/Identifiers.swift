/// Identifiers as each platform writes them, all derived from the account number and the
/// post's snowflake so that nothing needs to be stored.
struct Identifiers {
    let population: Population
    let seed: UInt64
    let format: SynthFormat

    static let mastodonInstances = ["piaille.fr", "mastodon.social", "mastodon.online", "framapiaf.org",
                                    "mstdn.social", "social.coop"]

    /// Twitter user id: a snowflake from the creation time for accounts made after snowflakes
    /// began (late 2010), an older-looking number before. Unique because the account number
    /// is added below the time part.
    func twitterAccountID(_ index: Int) -> UInt64 {
        let createdMillis = population.createdSeconds[index] * 1000
        if createdMillis <= PostContent.twitterEpochMillis + 1000 {
            return 10_000_000 + UInt64(index) * 97 + UInt64(createdMillis / 86_400_000 % 97)
        }
        return UInt64(createdMillis - PostContent.twitterEpochMillis) << 22 + UInt64(index)
    }

    /// Mastodon ids: milliseconds shifted by 16 bits, with room for the account number.
    func mastodonAccountID(_ index: Int) -> UInt64 {
        UInt64(max(0, population.createdSeconds[index]) * 1000) << 16 + UInt64(index)
    }

    static func mastodonStatusID(_ postID: UInt64) -> UInt64 {
        let (millis, sequence) = PostContent.parts(of: postID)
        return UInt64(millis) << 16 | UInt64(sequence & 0xFFFF)
    }

    func mastodonInstance(_ index: Int) -> String {
        Identifiers.mastodonInstances[Int(SeededGenerator.hash(seed, UInt64(index) &+ 77) % UInt64(Identifiers.mastodonInstances.count))]
    }

    /// `did:plc:` and 24 base32 characters.
    func did(_ index: Int) -> String {
        var text = "did:plc:"
        var value = SeededGenerator.hash(seed ^ 0xD1D, UInt64(index))
        var second = SeededGenerator.hash(value, UInt64(index))
        for i in 0..<24 {
            if i == 12 { value = second; second = 0 }
            text.unicodeScalars.append(Identifiers.base32Lower[Int(value & 31)])
            value >>= 5
        }
        return text
    }

    func blueskyHandle(_ index: Int) -> String {
        population.handle[index].lowercased().replacingOccurrences(of: "_", with: "-") + ".bsky.social"
    }

    /// Record key: a TID (microseconds and a clock id, base32-sortable).
    static func tid(_ postID: UInt64) -> String {
        let (millis, sequence) = PostContent.parts(of: postID)
        return tid(micros: UInt64(millis) * 1000 + UInt64(sequence % 1000), clock: UInt64(sequence & 1023))
    }

    static func tid(micros: UInt64, clock: UInt64) -> String {
        let value = (micros << 10 | clock) & 0x7FFF_FFFF_FFFF_FFFF
        var text = ""
        for i in 0..<13 {
            let shift = 60 - 5 * i
            text.unicodeScalars.append(sortable[Int((value >> UInt64(shift)) & 31)])
        }
        return text
    }

    func blueskyPostURI(author: Int, postID: UInt64) -> String {
        did(author) + "/app.bsky.feed.post/" + Identifiers.tid(postID)
    }

    /// A content identifier shaped like a real one (`bafyrei…`, 59 characters).
    static func cid(_ value: UInt64) -> String {
        var text = "bafyrei"
        var state = value
        var bits = SeededGenerator.splitMix(&state)
        for i in 0..<52 {
            if i % 12 == 0 { bits = SeededGenerator.splitMix(&state) }
            text.unicodeScalars.append(base32Lower[Int(bits & 31)])
            bits >>= 5
        }
        return text
    }

    static let base32Lower: [Unicode.Scalar] = Array("abcdefghijklmnopqrstuvwxyz234567".unicodeScalars)
    static let sortable: [Unicode.Scalar] = Array("234567abcdefghijklmnopqrstuvwxyz".unicodeScalars)

    /// The account id as this format writes it (used in the ground truth).
    func accountID(_ index: Int) -> String {
        switch format {
        case .twitterV2, .twitterV1, .toolkitCSV: return String(twitterAccountID(index))
        case .mastodon: return String(mastodonAccountID(index))
        case .jetstream: return did(index)
        }
    }

    /// The post id as this format writes it: the at:// URI for Bluesky.
    func postID(_ postID: UInt64, author: Int) -> String {
        switch format {
        case .twitterV2, .twitterV1, .toolkitCSV: return String(postID)
        case .mastodon: return String(Identifiers.mastodonStatusID(postID))
        case .jetstream: return "at://" + blueskyPostURI(author: author, postID: postID)
        }
    }

    /// The handle as this format writes it.
    func handle(_ index: Int) -> String {
        format == .jetstream ? blueskyHandle(index) : population.handle[index]
    }
}

/// Walks a post's text entity by entity, so that a format can replace each entity with its
/// own form and learn the offsets where it lands.
struct EntityRenderer {
    /// Code points in a UTF-8 slice (Twitter offsets count code points).
    @inline(__always)
    static func codePoints(_ bytes: ArraySlice<UInt8>) -> Int {
        var count = 0
        for byte in bytes where byte & 0xC0 != 0x80 { count += 1 }
        return count
    }

    /// A short link in Twitter's form, stable for a given URL.
    static func shortLink(_ url: ArraySlice<UInt8>) -> [UInt8] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in url { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var out = Array("https://t.co/".utf8)
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for _ in 0..<10 {
            out.append(alphabet[Int(hash % 62)])
            hash /= 62
            if hash == 0 { hash = 0x9E37_79B9_7F4A_7C15 }
        }
        return out
    }

    /// `domain/path` of a link, as shown to readers.
    static func displayForm(_ url: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let prefix = 8 // "https://"
        return url.count > prefix ? url.dropFirst(prefix) : url
    }
}
