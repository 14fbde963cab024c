/// twarc2 raw responses: one line per page of up to `pageSize` tweets in `data`, with their
/// authors, mentioned users and referenced tweets in `includes`, `meta` and twarc's `__twarc`.
struct TwitterV2Writer: FormatWriter {
    private let ids: Identifiers
    private let pageSize: Int
    private(set) var lines = 0
    private var data = ByteBuffer(capacity: 256 * 1024)
    private var includedTweets = ByteBuffer(capacity: 256 * 1024)
    private var users = ByteBuffer(capacity: 256 * 1024)
    private var tweetsInPage = 0
    private var includedIDs: [UInt64] = []
    /// Page in which each account was last added to `includes.users` (dedupe per page).
    private var userPage: [Int32]
    private var newestID: UInt64 = 0
    private var oldestID: UInt64 = 0
    private var lastMillis: Int64 = 0

    init(ids: Identifiers, pageSize: Int) {
        self.ids = ids
        self.pageSize = pageSize
        userPage = Array(repeating: -1, count: ids.population.count)
    }

    mutating func write(_ planned: PlannedPost, to file: OutputFile) throws(SynthError) {
        if tweetsInPage > 0 { data.append(UInt8(ascii: ",")) } else { oldestID = planned.post.id }
        renderTweet(planned.post, into: &data)
        newestID = planned.post.id
        lastMillis = planned.post.millis
        tweetsInPage += 1
        includeUsers(of: planned.post)
        if let reference = planned.reference, !includedIDs.contains(reference.id) {
            if !includedIDs.isEmpty { includedTweets.append(UInt8(ascii: ",")) }
            renderTweet(reference, into: &includedTweets)
            includedIDs.append(reference.id)
            includeUsers(of: reference)
        }
        if tweetsInPage == pageSize { try flushPage(to: file) }
    }

    mutating func finish(to file: OutputFile) throws(SynthError) {
        if tweetsInPage > 0 { try flushPage(to: file) }
    }

    private mutating func includeUsers(of post: PostContent) {
        includeUser(Int(post.author))
        for entity in post.entities where entity.kind == .mention { includeUser(Int(entity.value)) }
        if post.replyToAuthor >= 0 { includeUser(Int(post.replyToAuthor)) }
    }

    private mutating func includeUser(_ index: Int) {
        guard userPage[index] != Int32(lines) else { return }
        if users.count > 0 { users.append(UInt8(ascii: ",")) }
        userPage[index] = Int32(lines)
        renderUser(index, into: &users)
    }

    private mutating func flushPage(to file: OutputFile) throws(SynthError) {
        file.buffer.append("{\"data\":[")
        file.buffer.append(data.bytes)
        file.buffer.append("],\"includes\":{\"users\":[")
        file.buffer.append(users.bytes)
        file.buffer.append("],\"tweets\":[")
        file.buffer.append(includedTweets.bytes)
        file.buffer.append("]},\"meta\":{\"newest_id\":")
        file.buffer.appendQuoted(newestID)
        file.buffer.append(",\"oldest_id\":")
        file.buffer.appendQuoted(oldestID)
        file.buffer.append(",\"result_count\":")
        file.buffer.append(tweetsInPage)
        file.buffer.append("},\"__twarc\":{\"url\":\"https://api.twitter.com/2/tweets/search/all?expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username&max_results=100&query=vigie-synth\",\"version\":\"2.14.0\",\"retrieved_at\":\"")
        file.buffer.appendISO8601(millis: lastMillis + 3_600_000)
        file.buffer.append("\"}}\n")
        try file.flushIfFull()
        lines += 1
        tweetsInPage = 0
        data.removeAll()
        users.removeAll()
        includedTweets.removeAll()
        includedIDs.removeAll(keepingCapacity: true)
    }

    private func renderTweet(_ post: PostContent, into out: inout ByteBuffer) {
        let population = ids.population
        let author = Int(post.author)
        let rendered = TwitterText(post)
        out.append("{\"id\":")
        out.appendQuoted(post.id)
        out.append(",\"text\":")
        out.appendJSONString(rendered.text)
        out.append(",\"author_id\":")
        out.appendQuoted(ids.twitterAccountID(author))
        out.append(",\"created_at\":\"")
        out.appendISO8601(millis: post.millis)
        out.append("\",\"conversation_id\":")
        out.appendQuoted(post.conversationID)
        out.append(",\"edit_history_tweet_ids\":[")
        out.appendQuoted(post.id)
        out.append("],\"lang\":")
        out.append(post.french ? "\"fr\"" : "\"en\"")
        out.append(",\"source\":")
        out.appendJSONString(population.sourceName(author))
        out.append(",\"possibly_sensitive\":false,\"reply_settings\":\"everyone\",\"public_metrics\":{\"retweet_count\":")
        out.append(post.reposts)
        out.append(",\"reply_count\":")
        out.append(post.replies)
        out.append(",\"like_count\":")
        out.append(post.likes)
        out.append(",\"quote_count\":")
        out.append(post.quotes)
        out.append(",\"bookmark_count\":0,\"impression_count\":")
        out.append(Int64(post.likes) * 40 + Int64(post.reposts) * 10)
        out.append("}")
        if post.replyToAuthor >= 0 {
            out.append(",\"in_reply_to_user_id\":")
            out.appendQuoted(ids.twitterAccountID(Int(post.replyToAuthor)))
        }
        let reference: StaticString? = post.kind == .repost ? "retweeted" : post.kind == .quote ? "quoted"
            : post.kind == .reply ? "replied_to" : nil
        if let reference {
            out.append(",\"referenced_tweets\":[{\"type\":\"")
            out.append(reference)
            out.append("\",\"id\":")
            out.appendQuoted(post.kind == .reply ? post.replyToID : post.referenceID)
            out.append("}]")
        }
        if !rendered.entities.isEmpty {
            out.append(",\"entities\":{")
            var wroteGroup = false
            for kind in [TextEntity.Kind.hashtag, .mention, .link] {
                let matching = rendered.entities.filter { $0.kind == kind }
                guard !matching.isEmpty else { continue }
                if wroteGroup { out.append(UInt8(ascii: ",")) }
                wroteGroup = true
                out.append(kind == .hashtag ? "\"hashtags\":[" : kind == .mention ? "\"mentions\":[" : "\"urls\":[")
                for (i, entity) in matching.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    out.append("{\"start\":")
                    out.append(entity.start)
                    out.append(",\"end\":")
                    out.append(entity.end)
                    switch kind {
                    case .hashtag:
                        out.append(",\"tag\":\"")
                        out.appendJSONEscaped(entity.original.dropFirst())
                        out.append("\"}")
                    case .mention:
                        out.append(",\"username\":\"")
                        out.appendJSONEscaped(entity.original.dropFirst())
                        out.append("\",\"id\":")
                        out.appendQuoted(ids.twitterAccountID(Int(entity.value)))
                        out.append("}")
                    case .link:
                        out.append(",\"url\":")
                        out.appendJSONString(entity.shortLink)
                        out.append(",\"expanded_url\":\"")
                        out.appendJSONEscaped(entity.original)
                        out.append("\",\"display_url\":\"")
                        out.appendJSONEscaped(EntityRenderer.displayForm(entity.original))
                        out.append("\"}")
                    }
                }
                out.append("]")
            }
            out.append("}")
        }
        out.append("}")
    }

    private func renderUser(_ index: Int, into out: inout ByteBuffer) {
        let population = ids.population
        out.append("{\"id\":")
        out.appendQuoted(ids.twitterAccountID(index))
        out.append(",\"name\":")
        out.appendJSONString(population.displayName[index])
        out.append(",\"username\":")
        out.appendJSONString(population.handle[index])
        out.append(",\"created_at\":\"")
        out.appendISO8601(millis: population.createdSeconds[index] * 1000)
        out.append("\",\"description\":")
        out.appendJSONString(population.bio(index))
        out.append(",\"location\":")
        out.appendJSONString(population.location(index))
        out.append(",\"profile_image_url\":")
        appendProfileImage(index, ids: ids, into: &out)
        out.append(",\"protected\":false,\"public_metrics\":{\"followers_count\":")
        out.append(population.followers[index])
        out.append(",\"following_count\":")
        out.append(population.following[index])
        out.append(",\"tweet_count\":")
        out.append(population.statuses[index])
        out.append(",\"listed_count\":")
        out.append(population.listed[index])
        out.append("},\"url\":\"\",\"verified\":")
        out.append(population.verified[index] ? "true" : "false")
        out.append("}")
    }
}

/// The default egg or a personal picture, as Twitter links them.
func appendProfileImage(_ index: Int, ids: Identifiers, into out: inout ByteBuffer) {
    if ids.population.defaultAvatar[index] {
        out.append("\"https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png\"")
    } else {
        out.append("\"https://pbs.twimg.com/profile_images/")
        out.appendDigits(SeededGenerator.hash(ids.seed, UInt64(index)) % 1_000_000_000_000)
        out.append("/avatar_normal.jpg\"")
    }
}
