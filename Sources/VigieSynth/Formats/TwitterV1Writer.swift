/// Twitter API v1.1 tweets, one a line, each with its `user`; a retweet carries the original
/// in `retweeted_status`, a quote in `quoted_status`.
struct TwitterV1Writer: JSONLineWriter {
    private let ids: Identifiers
    var lines = 0

    init(ids: Identifiers) { self.ids = ids }

    func render(_ post: PostContent, reference: PostContent?, into out: inout ByteBuffer) {
        let population = ids.population
        let author = Int(post.author)
        let rendered = TwitterText(post)
        out.append("{\"created_at\":\"")
        out.appendTwitterDate(millis: post.millis)
        out.append("\",\"id\":")
        out.appendDigits(post.id)
        out.append(",\"id_str\":")
        out.appendQuoted(post.id)
        out.append(",\"text\":")
        out.appendJSONString(rendered.text)
        out.append(",\"truncated\":false,\"entities\":{\"hashtags\":[")
        var first = true
        for entity in rendered.entities where entity.kind == .hashtag {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append("{\"text\":\"")
            out.appendJSONEscaped(entity.original.dropFirst())
            out.append("\",")
            appendIndices(entity, &out)
            out.append("}")
        }
        out.append("],\"symbols\":[],\"user_mentions\":[")
        first = true
        for entity in rendered.entities where entity.kind == .mention {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let mentioned = Int(entity.value)
            out.append("{\"screen_name\":\"")
            out.appendJSONEscaped(entity.original.dropFirst())
            out.append("\",\"name\":")
            out.appendJSONString(population.displayName[mentioned])
            out.append(",\"id\":")
            out.appendDigits(ids.twitterAccountID(mentioned))
            out.append(",\"id_str\":")
            out.appendQuoted(ids.twitterAccountID(mentioned))
            out.append(",")
            appendIndices(entity, &out)
            out.append("}")
        }
        out.append("],\"urls\":[")
        first = true
        for entity in rendered.entities where entity.kind == .link {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append("{\"url\":")
            out.appendJSONString(entity.shortLink)
            out.append(",\"expanded_url\":\"")
            out.appendJSONEscaped(entity.original)
            out.append("\",\"display_url\":\"")
            out.appendJSONEscaped(EntityRenderer.displayForm(entity.original))
            out.append("\",")
            appendIndices(entity, &out)
            out.append("}")
        }
        out.append("]},\"source\":\"<a href=\\\"https://mobile.twitter.com\\\" rel=\\\"nofollow\\\">")
        out.appendJSONEscaped(Array(population.sourceName(author).utf8)[...])
        out.append("</a>\"")
        if post.replyToAuthor >= 0 {
            let parent = Int(post.replyToAuthor)
            out.append(",\"in_reply_to_status_id\":")
            out.appendDigits(post.replyToID)
            out.append(",\"in_reply_to_status_id_str\":")
            out.appendQuoted(post.replyToID)
            out.append(",\"in_reply_to_user_id\":")
            out.appendDigits(ids.twitterAccountID(parent))
            out.append(",\"in_reply_to_user_id_str\":")
            out.appendQuoted(ids.twitterAccountID(parent))
            out.append(",\"in_reply_to_screen_name\":")
            out.appendJSONString(population.handle[parent])
        } else {
            out.append(",\"in_reply_to_status_id\":null,\"in_reply_to_status_id_str\":null,\"in_reply_to_user_id\":null,\"in_reply_to_user_id_str\":null,\"in_reply_to_screen_name\":null")
        }
        out.append(",\"user\":")
        renderUser(author, into: &out)
        out.append(",\"geo\":null,\"coordinates\":null,\"place\":null,\"contributors\":null")
        if post.kind == .repost, let reference {
            out.append(",\"retweeted_status\":")
            render(reference, reference: nil, into: &out)
        }
        out.append(",\"is_quote_status\":")
        if post.kind == .quote, let reference {
            out.append("true,\"quoted_status_id\":")
            out.appendDigits(reference.id)
            out.append(",\"quoted_status_id_str\":")
            out.appendQuoted(reference.id)
            out.append(",\"quoted_status\":")
            render(reference, reference: nil, into: &out)
        } else {
            out.append("false")
        }
        out.append(",\"retweet_count\":")
        out.append(post.reposts)
        out.append(",\"favorite_count\":")
        out.append(post.likes)
        out.append(",\"reply_count\":")
        out.append(post.replies)
        out.append(",\"quote_count\":")
        out.append(post.quotes)
        out.append(",\"favorited\":false,\"retweeted\":false,\"possibly_sensitive\":false,\"lang\":")
        out.append(post.french ? "\"fr\"}" : "\"en\"}")
    }

    private func appendIndices(_ entity: TwitterText.Entity, _ out: inout ByteBuffer) {
        out.append("\"indices\":[")
        out.append(entity.start)
        out.append(UInt8(ascii: ","))
        out.append(entity.end)
        out.append("]")
    }

    private func renderUser(_ index: Int, into out: inout ByteBuffer) {
        let population = ids.population
        let id = ids.twitterAccountID(index)
        out.append("{\"id\":")
        out.appendDigits(id)
        out.append(",\"id_str\":")
        out.appendQuoted(id)
        out.append(",\"name\":")
        out.appendJSONString(population.displayName[index])
        out.append(",\"screen_name\":")
        out.appendJSONString(population.handle[index])
        out.append(",\"location\":")
        out.appendJSONString(population.location(index))
        out.append(",\"description\":")
        out.appendJSONString(population.bio(index))
        out.append(",\"url\":null,\"protected\":false,\"followers_count\":")
        out.append(population.followers[index])
        out.append(",\"friends_count\":")
        out.append(population.following[index])
        out.append(",\"listed_count\":")
        out.append(population.listed[index])
        out.append(",\"created_at\":\"")
        out.appendTwitterDate(millis: population.createdSeconds[index] * 1000)
        out.append("\",\"favourites_count\":")
        out.append(population.statuses[index] / 3)
        out.append(",\"verified\":")
        out.append(population.verified[index] ? "true" : "false")
        out.append(",\"statuses_count\":")
        out.append(population.statuses[index])
        out.append(",\"lang\":null,\"default_profile\":")
        out.append(population.defaultAvatar[index] ? "true" : "false")
        out.append(",\"default_profile_image\":")
        out.append(population.defaultAvatar[index] ? "true" : "false")
        out.append(",\"profile_image_url_https\":")
        appendProfileImage(index, ids: ids, into: &out)
        out.append("}")
    }
}
