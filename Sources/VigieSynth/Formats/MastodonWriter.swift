/// Mastodon statuses, one a line, each with its `account`. Content is HTML as Mastodon
/// renders it (hashtag, mention and link anchors); a boost carries the original in `reblog`,
/// a quote in `quote.quoted_status` (Mastodon 4.4+).
struct MastodonWriter: JSONLineWriter {
    private let ids: Identifiers
    var lines = 0
    private static let home = Identifiers.mastodonInstances[0]

    init(ids: Identifiers) { self.ids = ids }

    private func profileURL(_ index: Int) -> String {
        "https://" + ids.mastodonInstance(index) + "/@" + ids.population.handle[index]
    }

    func render(_ post: PostContent, reference: PostContent?, into out: inout ByteBuffer) {
        let author = Int(post.author)
        let statusID = Identifiers.mastodonStatusID(post.id)
        let instance = ids.mastodonInstance(author)
        let handle = ids.population.handle[author]
        let isBoost = post.kind == .repost && reference != nil
        out.append("{\"id\":")
        out.appendQuoted(statusID)
        out.append(",\"created_at\":\"")
        out.appendISO8601(millis: post.millis)
        out.append("\",\"in_reply_to_id\":")
        if post.replyToAuthor >= 0 {
            out.appendQuoted(Identifiers.mastodonStatusID(post.replyToID))
            out.append(",\"in_reply_to_account_id\":")
            out.appendQuoted(ids.mastodonAccountID(Int(post.replyToAuthor)))
        } else {
            out.append("null,\"in_reply_to_account_id\":null")
        }
        out.append(",\"sensitive\":false,\"spoiler_text\":\"\",\"visibility\":\"public\",\"language\":")
        out.append(isBoost ? "null" : post.french ? "\"fr\"" : "\"en\"")
        out.append(",\"uri\":\"https://")
        out.append(string: instance)
        out.append("/users/")
        out.append(string: handle)
        out.append("/statuses/")
        out.appendDigits(statusID)
        out.append("\",\"url\":\"https://")
        out.append(string: instance)
        out.append("/@")
        out.append(string: handle)
        out.append(UInt8(ascii: "/"))
        out.appendDigits(statusID)
        out.append("\",\"replies_count\":")
        out.append(post.replies)
        out.append(",\"reblogs_count\":")
        out.append(post.reposts)
        out.append(",\"favourites_count\":")
        out.append(post.likes)
        out.append(",\"quotes_count\":")
        out.append(post.quotes)
        out.append(",\"edited_at\":null,\"content\":\"")
        if !isBoost { appendHTML(post, into: &out) }
        out.append("\",\"reblog\":")
        if isBoost, let reference {
            render(reference, reference: nil, into: &out)
        } else {
            out.append("null")
        }
        if post.kind == .quote, let reference {
            out.append(",\"quote\":{\"state\":\"accepted\",\"quoted_status\":")
            render(reference, reference: nil, into: &out)
            out.append("}")
        }
        out.append(",\"application\":")
        if isBoost {
            out.append("null")
        } else {
            out.append("{\"name\":")
            out.appendJSONString(ids.population.sourceName(author).replacingOccurrences(of: "Twitter", with: "Mastodon"))
            out.append(",\"website\":null}")
        }
        out.append(",\"account\":")
        renderAccount(author, into: &out)
        out.append(",\"media_attachments\":[],\"mentions\":[")
        var first = true
        for entity in post.entities where entity.kind == .mention && !isBoost {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let mentioned = Int(entity.value)
            out.append("{\"id\":")
            out.appendQuoted(ids.mastodonAccountID(mentioned))
            out.append(",\"username\":")
            out.appendJSONString(ids.population.handle[mentioned])
            out.append(",\"url\":")
            out.appendJSONString(profileURL(mentioned))
            out.append(",\"acct\":")
            out.appendJSONString(acct(mentioned))
            out.append("}")
        }
        out.append("],\"tags\":[")
        first = true
        for entity in post.entities where entity.kind == .hashtag && !isBoost {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let tag = post.text[Int(entity.start) + 1..<Int(entity.end)]
            out.append("{\"name\":\"")
            out.appendJSONEscaped(tag)
            out.append("\",\"url\":\"https://")
            out.append(string: MastodonWriter.home)
            out.append("/tags/")
            out.appendJSONEscaped(tag)
            out.append("\"}")
        }
        out.append("],\"emojis\":[],\"card\":null,\"poll\":null}")
    }

    private func acct(_ index: Int) -> String {
        let instance = ids.mastodonInstance(index)
        return instance == MastodonWriter.home ? ids.population.handle[index] : ids.population.handle[index] + "@" + instance
    }

    /// `<p>` and the text with anchors, HTML-escaped, then JSON-escaped.
    private func appendHTML(_ post: PostContent, into out: inout ByteBuffer) {
        out.append("<p>")
        var copied = 0
        for entity in post.entities {
            let start = Int(entity.start), end = Int(entity.end)
            guard start >= copied, end <= post.text.count else { continue }
            appendEscapedHTML(post.text[copied..<start], into: &out)
            let inner = post.text[(start + 1)..<end]
            switch entity.kind {
            case .hashtag:
                out.append("<a href=\\\"https://")
                out.append(string: MastodonWriter.home)
                out.append("/tags/")
                appendEscapedHTML(inner, into: &out)
                out.append("\\\" class=\\\"mention hashtag\\\" rel=\\\"tag\\\">#<span>")
                appendEscapedHTML(inner, into: &out)
                out.append("</span></a>")
            case .mention:
                out.append("<span class=\\\"h-card\\\" translate=\\\"no\\\"><a href=\\\"")
                out.append(string: profileURL(Int(entity.value)))
                out.append("\\\" class=\\\"u-url mention\\\">@<span>")
                appendEscapedHTML(inner, into: &out)
                out.append("</span></a></span>")
            case .link:
                let url = post.text[start..<end]
                out.append("<a href=\\\"")
                appendEscapedHTML(url, into: &out)
                out.append("\\\" target=\\\"_blank\\\" rel=\\\"nofollow noopener noreferrer\\\" translate=\\\"no\\\"><span class=\\\"invisible\\\">https://</span><span class=\\\"\\\">")
                appendEscapedHTML(EntityRenderer.displayForm(url), into: &out)
                out.append("</span><span class=\\\"invisible\\\"></span></a>")
            }
            copied = end
        }
        appendEscapedHTML(post.text[copied...], into: &out)
        out.append("</p>")
    }

    /// HTML escaping inside a JSON string: `"` becomes `&quot;`, so no JSON escape is needed for it.
    private func appendEscapedHTML(_ text: ArraySlice<UInt8>, into out: inout ByteBuffer) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case UInt8(ascii: "\""): out.append("&quot;")
            case UInt8(ascii: "'"): out.append("&#39;")
            case 0x0A: out.append("<br>")
            default: out.appendJSONEscaped(byte)
            }
        }
    }

    private func renderAccount(_ index: Int, into out: inout ByteBuffer) {
        let population = ids.population
        out.append("{\"id\":")
        out.appendQuoted(ids.mastodonAccountID(index))
        out.append(",\"username\":")
        out.appendJSONString(population.handle[index])
        out.append(",\"acct\":")
        out.appendJSONString(acct(index))
        out.append(",\"display_name\":")
        out.appendJSONString(population.displayName[index])
        out.append(",\"locked\":false,\"bot\":")
        // Only some bots declare themselves, as on real instances.
        let declared = population.role[index] == .bot && SeededGenerator.hash(ids.seed, UInt64(index)) % 10 < 3
        out.append(declared ? "true" : "false")
        out.append(",\"discoverable\":true,\"group\":false,\"created_at\":\"")
        out.appendISO8601(millis: population.createdSeconds[index] * 1000)
        out.append("\",\"note\":\"")
        let bio = population.bio(index)
        if !bio.isEmpty {
            out.append("<p>")
            appendEscapedHTML(Array(bio.utf8)[...], into: &out)
            out.append("</p>")
        }
        out.append("\",\"url\":")
        out.appendJSONString(profileURL(index))
        let instance = ids.mastodonInstance(index)
        if population.defaultAvatar[index] {
            out.append(",\"avatar\":\"https://")
            out.append(string: instance)
            out.append("/avatars/original/missing.png\",\"avatar_static\":\"https://")
            out.append(string: instance)
            out.append("/avatars/original/missing.png\"")
        } else {
            let picture = SeededGenerator.hash(ids.seed, UInt64(index)) % 1_000_000_000
            out.append(",\"avatar\":\"https://")
            out.append(string: instance)
            out.append("/system/accounts/avatars/")
            out.appendDigits(picture)
            out.append(".png\",\"avatar_static\":\"https://")
            out.append(string: instance)
            out.append("/system/accounts/avatars/")
            out.appendDigits(picture)
            out.append(".png\"")
        }
        out.append(",\"header\":\"https://")
        out.append(string: instance)
        out.append("/headers/original/missing.png\",\"followers_count\":")
        out.append(population.followers[index])
        out.append(",\"following_count\":")
        out.append(population.following[index])
        out.append(",\"statuses_count\":")
        out.append(population.statuses[index])
        out.append(",\"emojis\":[],\"fields\":[]}")
    }
}
