/// Fills templates into a post's text and appends hashtags, mentions and links with their
/// byte ranges. Empty slots leave no double spaces or dangling commas behind.
struct TextComposer {
    let world: World

    /// Fills a template; returns the sentiment actually planted (-1, 0, 1) and whether the
    /// topic's main keyword was written.
    func fill(_ template: Template, into post: inout PostContent, topic: Int, keyword: Bool,
              sentiment: Int8, random: inout SeededGenerator) -> (sentiment: Int8, usedKeyword: Bool) {
        let texts = world.texts(french: post.french)
        let sentenceStart = post.text.count
        var planted: Int8 = 0
        var usedKeyword = false
        var firstTerm = -1
        for piece in template.pieces {
            switch piece {
            case .literal(let bytes):
                post.text.append(contentsOf: bytes)
            case .slot(let slot):
                switch slot {
                case .term, .secondTerm:
                    guard topic >= 0 else { continue }
                    if keyword, !usedKeyword {
                        post.text.append(contentsOf: post.french ? world.keywordFrench[topic] : world.keywordEnglish[topic])
                        usedKeyword = true
                    } else {
                        let vocabulary = post.french ? world.vocabularyFrench[topic] : world.vocabularyEnglish[topic]
                        var choice = random.below(vocabulary.count)
                        if choice == firstTerm { choice = (choice + 1) % vocabulary.count }
                        firstTerm = choice
                        post.text.append(contentsOf: vocabulary[choice])
                    }
                case .sentiment:
                    let phrases = sentiment > 0 ? texts.positive : sentiment < 0 ? texts.negative : texts.neutral
                    post.text.append(contentsOf: random.pick(phrases))
                    planted = sentiment
                case .emoji:
                    guard random.chance(0.6) else { continue }
                    let set = sentiment > 0 ? Lexicon.positiveEmoji : sentiment < 0 ? Lexicon.negativeEmoji : Lexicon.neutralEmoji
                    post.text.append(contentsOf: random.pick(set).utf8)
                    if !template.hasSentiment { planted = sentiment }
                case .everyday:
                    post.text.append(contentsOf: random.pick(texts.everyday))
                case .place:
                    post.text.append(contentsOf: random.pick(texts.places))
                }
            }
        }
        tidy(&post.text)
        // A sentence starts with a capital, even when a slot opens it (`Cooking deserves…`).
        if sentenceStart < post.text.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(post.text[sentenceStart]) {
            post.text[sentenceStart] -= 32
        }
        return (planted, usedKeyword)
    }

    /// Removes the traces of empty slots: double spaces, a space before punctuation, trailing
    /// spaces and commas.
    private func tidy(_ text: inout [UInt8]) {
        var out = 0
        for i in 0..<text.count {
            let byte = text[i]
            if byte == 0x20, out > 0, text[out - 1] == 0x20 { continue }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ".") {
                if out > 0, text[out - 1] == 0x20 { out -= 1 }
            }
            text[out] = byte
            out += 1
        }
        text.removeLast(text.count - out)
        while let last = text.last, last == 0x20 || last == UInt8(ascii: ",") { text.removeLast() }
    }

    func appendHashtag(_ tag: Int32, to post: inout PostContent) {
        if let last = post.text.last, last != 0x20 { post.text.append(0x20) }
        let start = Int32(post.text.count)
        post.text.append(UInt8(ascii: "#"))
        post.text.append(contentsOf: world.tags[Int(tag)])
        post.entities.append(TextEntity(kind: .hashtag, start: start, end: Int32(post.text.count), value: tag))
    }

    func appendMention(_ account: Int32, to post: inout PostContent) {
        if let last = post.text.last, last != 0x20 { post.text.append(0x20) }
        let start = Int32(post.text.count)
        post.text.append(UInt8(ascii: "@"))
        post.text.append(contentsOf: world.population.handle[Int(account)].utf8)
        post.entities.append(TextEntity(kind: .mention, start: start, end: Int32(post.text.count), value: account))
    }

    func appendLink(domain: Int32, path: Int, to post: inout PostContent) {
        if let last = post.text.last, last != 0x20 { post.text.append(0x20) }
        let start = Int32(post.text.count)
        post.text.append(contentsOf: "https://".utf8)
        post.text.append(contentsOf: world.domains[Int(domain)])
        post.text.append(contentsOf: "/articles/".utf8)
        var digits = ByteBuffer(capacity: 12)
        digits.append(path)
        post.text.append(contentsOf: digits.bytes)
        post.entities.append(TextEntity(kind: .link, start: start, end: Int32(post.text.count), value: domain))
    }

    /// `RT @author: ` followed by the original text, entities shifted (Twitter's retweet text).
    func makeRetweetText(of original: PostContent, into post: inout PostContent) {
        post.text.removeAll(keepingCapacity: true)
        post.entities.removeAll(keepingCapacity: true)
        post.text.append(contentsOf: "RT".utf8)
        appendMention(original.author, to: &post)
        post.text.append(contentsOf: ": ".utf8)
        let shift = Int32(post.text.count)
        post.text.append(contentsOf: original.text)
        for var entity in original.entities {
            entity.start += shift
            entity.end += shift
            post.entities.append(entity)
        }
    }
}
