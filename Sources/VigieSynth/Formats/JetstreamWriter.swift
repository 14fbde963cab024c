/// Bluesky Jetstream events, one a line: an `identity` event (with the handle) before an
/// account's first commit, `app.bsky.feed.post` commits with facets (byte offsets), replies and
/// quote embeds, `app.bsky.feed.repost` commits for reposts (they are not posts on Bluesky),
/// and likes and follows between posts.
struct JetstreamWriter: FormatWriter {
    private let ids: Identifiers
    private(set) var lines = 0
    private(set) var likes = 0
    private(set) var follows = 0
    private var random: SeededGenerator
    private let likesPerPost: Double
    private let followsPerPost: Double
    private var announced: [Bool]
    private var sequence: UInt64 = 30_000_000_000
    /// Recent posts (id, author) for likes to point at.
    private var recentIDs: [UInt64] = []
    private var recentAuthors: [Int32] = []
    private var recentNext = 0
    private var didCache: [Int: String] = [:]

    init(ids: Identifiers, seed: UInt64, likesPerPost: Double, followsPerPost: Double) {
        self.ids = ids
        random = SeededGenerator(seed: seed, stream: 7)
        self.likesPerPost = likesPerPost
        self.followsPerPost = followsPerPost
        announced = Array(repeating: false, count: ids.population.count)
    }

    mutating func write(_ planned: PlannedPost, to file: OutputFile) throws(SynthError) {
        let post = planned.post
        let author = Int(post.author)
        let micros = post.millis * 1000 + Int64(post.sequence % 1000)
        announce(author, micros: micros, into: &file.buffer)
        if post.kind == .repost, let original = planned.reference {
            let originalDID = did(Int(original.author))
            JetstreamWriter.writeCommit(did: did(author), micros: micros, collection: "app.bsky.feed.repost",
                                        rkey: Identifiers.tid(post.id), cidSeed: post.id, into: &file.buffer) { out in
                out.append("\"subject\":")
                JetstreamWriter.appendRef(did: originalDID, postID: original.id, into: &out)
            }
            lines += 1
        } else {
            writePost(post, reference: planned.reference, micros: micros, into: &file.buffer)
            remember(post)
        }
        try writeLikesAndFollows(after: post, micros: micros, into: file)
        try file.flushIfFull()
    }


    private mutating func remember(_ post: PostContent) {
        if recentIDs.count < 4096 {
            recentIDs.append(post.id)
            recentAuthors.append(post.author)
        } else {
            recentIDs[recentNext] = post.id
            recentAuthors[recentNext] = post.author
        }
        recentNext = (recentNext + 1) % 4096
    }

    private mutating func did(_ index: Int) -> String {
        if let known = didCache[index] { return known }
        let value = ids.did(index)
        if didCache.count > 65_536 { didCache.removeAll(keepingCapacity: true) }
        didCache[index] = value
        return value
    }

    private mutating func announce(_ index: Int, micros: Int64, into out: inout ByteBuffer) {
        guard !announced[index] else { return }
        announced[index] = true
        sequence += 1
        out.append("{\"did\":")
        out.appendJSONString(did(index))
        out.append(",\"time_us\":")
        out.append(micros - 1)
        out.append(",\"kind\":\"identity\",\"identity\":{\"did\":")
        out.appendJSONString(did(index))
        out.append(",\"handle\":")
        out.appendJSONString(ids.blueskyHandle(index))
        out.append(",\"seq\":")
        out.appendDigits(sequence)
        out.append(",\"time\":\"")
        out.appendISO8601(millis: micros / 1000)
        out.append("\"}}\n")
        lines += 1
    }

    private static func writeCommit(did: String, micros: Int64, collection: StaticString, rkey: String,
                                    cidSeed: UInt64, into out: inout ByteBuffer,
                                    record: (inout ByteBuffer) -> Void) {
        out.append("{\"did\":")
        out.appendJSONString(did)
        out.append(",\"time_us\":")
        out.append(micros + 250)
        out.append(",\"kind\":\"commit\",\"commit\":{\"rev\":\"")
        out.append(string: rkey)
        out.append("\",\"operation\":\"create\",\"collection\":\"")
        out.append(collection)
        out.append("\",\"rkey\":\"")
        out.append(string: rkey)
        out.append("\",\"record\":{\"$type\":\"")
        out.append(collection)
        out.append("\",\"createdAt\":\"")
        out.appendISO8601(millis: micros / 1000)
        out.append("\",")
        record(&out)
        out.append("},\"cid\":")
        out.appendJSONString(Identifiers.cid(cidSeed ^ 0xC1D))
        out.append("}}\n")
    }

    private mutating func writePost(_ post: PostContent, reference: PostContent?, micros: Int64,
                                    into out: inout ByteBuffer) {
        // Bluesky writes mentions with the full handle; offsets are UTF-8 bytes.
        var text: [UInt8] = []
        text.reserveCapacity(post.text.count + 32)
        var facets: [(start: Int, end: Int, entity: TextEntity, source: ArraySlice<UInt8>)] = []
        var copied = 0
        for entity in post.entities {
            let start = Int(entity.start), end = Int(entity.end)
            guard start >= copied, end <= post.text.count else { continue }
            text.append(contentsOf: post.text[copied..<start])
            let facetStart = text.count
            if entity.kind == .mention {
                text.append(UInt8(ascii: "@"))
                text.append(contentsOf: ids.blueskyHandle(Int(entity.value)).utf8)
            } else {
                text.append(contentsOf: post.text[start..<end])
            }
            facets.append((facetStart, text.count, entity, post.text[start..<end]))
            copied = end
        }
        text.append(contentsOf: post.text[copied...])
        let author = Int(post.author)
        let ownDID = did(author)
        var mentionDIDs: [String] = []
        for facet in facets where facet.entity.kind == .mention { mentionDIDs.append(did(Int(facet.entity.value))) }
        let parentDID = post.kind == .reply && post.replyToAuthor >= 0 ? did(Int(post.replyToAuthor)) : ""
        let rootDID = post.kind == .reply ? did(Int(post.conversationAuthor)) : ""
        let quotedDID = post.kind == .quote ? reference.map { did(Int($0.author)) } : nil

        JetstreamWriter.writeCommit(did: ownDID, micros: micros, collection: "app.bsky.feed.post",
                                    rkey: Identifiers.tid(post.id), cidSeed: post.id, into: &out) { out in
            out.append("\"langs\":[")
            out.append(post.french ? "\"fr\"" : "\"en\"")
            out.append("],\"text\":")
            out.appendJSONString(text)
            if !facets.isEmpty {
                out.append(",\"facets\":[")
                var mentionIndex = 0
                for (i, facet) in facets.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append("{\"features\":[{\"$type\":\"app.bsky.richtext.facet#")
                    switch facet.entity.kind {
                    case .hashtag:
                        out.append("tag\",\"tag\":\"")
                        out.appendJSONEscaped(facet.source.dropFirst())
                        out.append("\"}")
                    case .mention:
                        out.append("mention\",\"did\":")
                        out.appendJSONString(mentionDIDs[mentionIndex])
                        mentionIndex += 1
                        out.append("}")
                    case .link:
                        out.append("link\",\"uri\":\"")
                        out.appendJSONEscaped(facet.source)
                        out.append("\"}")
                    }
                    out.append("],\"index\":{\"byteEnd\":")
                    out.append(facet.end)
                    out.append(",\"byteStart\":")
                    out.append(facet.start)
                    out.append("}}")
                }
                out.append("]")
            }
            if post.kind == .reply, post.replyToAuthor >= 0 {
                out.append(",\"reply\":{\"parent\":")
                JetstreamWriter.appendRef(did: parentDID, postID: post.replyToID, into: &out)
                out.append(",\"root\":")
                JetstreamWriter.appendRef(did: rootDID, postID: post.conversationID, into: &out)
                out.append("}")
            }
            if let quotedDID, let reference {
                out.append(",\"embed\":{\"$type\":\"app.bsky.embed.record\",\"record\":")
                JetstreamWriter.appendRef(did: quotedDID, postID: reference.id, into: &out)
                out.append("}")
            }
        }
        lines += 1
    }

    /// A strong reference to a post: its record's content id and its at:// URI.
    private static func appendRef(did: String, postID: UInt64, into out: inout ByteBuffer) {
        out.append("{\"cid\":")
        out.appendJSONString(Identifiers.cid(postID ^ 0xC1D))
        out.append(",\"uri\":\"at://")
        out.append(string: did)
        out.append("/app.bsky.feed.post/")
        out.append(string: Identifiers.tid(postID))
        out.append("\"}")
    }

    private mutating func writeLikesAndFollows(after post: PostContent, micros: Int64, into file: OutputFile) throws(SynthError) {
        let population = ids.population
        let likeCount = random.poisson(mean: likesPerPost)
        for i in 0..<likeCount where !recentIDs.isEmpty {
            let slot = random.below(recentIDs.count)
            let liker = random.below(population.count)
            guard Int32(liker) != recentAuthors[slot] else { continue }
            let likeMicros = micros + 1000 * Int64(i + 1)
            announce(liker, micros: likeMicros, into: &file.buffer)
            let likedID = recentIDs[slot]
            let likedDID = did(Int(recentAuthors[slot]))
            let rkey = Identifiers.tid(micros: UInt64(likeMicros), clock: UInt64(liker & 1023))
            JetstreamWriter.writeCommit(did: did(liker), micros: likeMicros, collection: "app.bsky.feed.like", rkey: rkey,
                                        cidSeed: UInt64(likeMicros) ^ UInt64(liker), into: &file.buffer) { out in
                out.append("\"subject\":")
                JetstreamWriter.appendRef(did: likedDID, postID: likedID, into: &out)
            }
            lines += 1
            likes += 1
        }
        if random.chance(followsPerPost) {
            let follower = random.below(population.count)
            let roll = random.unit()
            var subject = random.below(population.count)
            if roll < 0.5, let popular = popularAccount() { subject = popular }
            guard subject != follower else { return }
            let followMicros = micros + 500
            announce(follower, micros: followMicros, into: &file.buffer)
            let subjectDID = did(subject)
            let rkey = Identifiers.tid(micros: UInt64(followMicros), clock: UInt64(follower & 1023))
            JetstreamWriter.writeCommit(did: did(follower), micros: followMicros, collection: "app.bsky.graph.follow",
                                        rkey: rkey, cidSeed: UInt64(followMicros) ^ UInt64(follower),
                                        into: &file.buffer) { out in
                out.append("\"subject\":")
                out.appendJSONString(subjectDID)
            }
            lines += 1
            follows += 1
        }
    }

    /// Follows go to popular and expert accounts more often than to anyone else.
    private mutating func popularAccount() -> Int? {
        for _ in 0..<8 {
            let candidate = random.below(ids.population.count)
            let role = ids.population.role[candidate]
            if role == .popular || role == .expert { return candidate }
        }
        return nil
    }
}
