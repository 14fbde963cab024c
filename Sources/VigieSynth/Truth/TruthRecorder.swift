import Foundation

/// Records what was planted while posts stream: one line per post in `post-truth.csv`, one
/// line per campaign post in `coordination-truth.csv`, and per-account counters for the
/// ground-truth file written at the end.
final class TruthRecorder {
    private let world: World
    private let ids: Identifiers
    private let postFile: OutputFile?
    private let coordinationFile: OutputFile
    private(set) var postsByAccount: [Int32]
    private(set) var onTopicByAccount: [Int32]
    private(set) var onTopicPosts: [Int]
    private(set) var keywordPosts: [Int]
    private(set) var kinds = [Int](repeating: 0, count: 4)
    private(set) var sentiments = [Int](repeating: 0, count: 3)

    static let postHeader: StaticString =
        "post_id,author_id,author_handle,timestamp,kind,language,topic,has_keyword,sentiment,author_role,group,campaign,emerging_hashtag\n"
    static let coordinationHeader: StaticString =
        "campaign,group,behaviour,post_id,account_id,account_handle,timestamp,kind,original_id,link,hashtags\n"

    init(world: World, ids: Identifiers, postFile: OutputFile?, coordinationFile: OutputFile) {
        self.world = world
        self.ids = ids
        self.postFile = postFile
        self.coordinationFile = coordinationFile
        postsByAccount = Array(repeating: 0, count: world.population.count)
        onTopicByAccount = Array(repeating: 0, count: world.population.count)
        onTopicPosts = Array(repeating: 0, count: world.topics.count)
        keywordPosts = Array(repeating: 0, count: world.topics.count)
        postFile?.buffer.append(TruthRecorder.postHeader)
        coordinationFile.buffer.append(TruthRecorder.coordinationHeader)
    }

    /// The post's id as the data file writes it.
    func postID(_ post: PostContent) -> String {
        if ids.format == .jetstream, post.kind == .repost {
            return "at://" + ids.did(Int(post.author)) + "/app.bsky.feed.repost/" + Identifiers.tid(post.id)
        }
        return ids.postID(post.id, author: Int(post.author))
    }

    func record(_ planned: PlannedPost, campaigns: [CampaignRecord]) throws(SynthError) {
        let post = planned.post
        let author = Int(post.author)
        postsByAccount[author] += 1
        kinds[Int(post.kind.rawValue)] += 1
        sentiments[Int(post.sentiment + 1)] += 1
        if post.topic >= 0 {
            onTopicByAccount[author] += 1
            onTopicPosts[Int(post.topic)] += 1
            if post.hasKeyword { keywordPosts[Int(post.topic)] += 1 }
        }
        let id = postID(post)
        if let file = postFile {
            var out = file.buffer
            file.buffer = ByteBuffer() // append in place without copy-on-write
            out.append(string: id)
            out.append(UInt8(ascii: ","))
            out.append(string: ids.accountID(author))
            out.append(UInt8(ascii: ","))
            out.append(string: ids.handle(author))
            out.append(UInt8(ascii: ","))
            out.appendISO8601(millis: post.millis)
            out.append(UInt8(ascii: ","))
            out.append(string: post.kind.name)
            out.append(post.french ? ",fr," : ",en,")
            if post.topic >= 0 { out.append(string: world.topics[Int(post.topic)].name) }
            out.append(post.hasKeyword ? ",true," : ",false,")
            out.append(post.sentiment > 0 ? "positive," : post.sentiment < 0 ? "negative," : "neutral,")
            out.append(string: world.population.role[author].name)
            out.append(UInt8(ascii: ","))
            if post.group >= 0 { out.append(post.group) }
            out.append(UInt8(ascii: ","))
            if post.campaign >= 0 { out.append(post.campaign) }
            out.append(UInt8(ascii: ","))
            if post.emerging >= 0 { out.append(string: world.tagNames[Int(world.emergingTags[Int(post.emerging)])]) }
            out.append(UInt8(ascii: "\n"))
            file.buffer = out
            try file.flushIfFull()
        }
        if post.campaign >= 0 {
            let campaign = campaigns[Int(post.campaign)]
            var out = coordinationFile.buffer
            coordinationFile.buffer = ByteBuffer()
            out.append(campaign.id)
            out.append(UInt8(ascii: ","))
            out.append(campaign.group)
            out.append(UInt8(ascii: ","))
            out.append(string: campaign.behaviour.name)
            out.append(UInt8(ascii: ","))
            out.append(string: id)
            out.append(UInt8(ascii: ","))
            out.append(string: ids.accountID(author))
            out.append(UInt8(ascii: ","))
            out.append(string: ids.handle(author))
            out.append(UInt8(ascii: ","))
            out.appendISO8601(millis: post.millis)
            out.append(UInt8(ascii: ","))
            out.append(string: post.kind.name)
            out.append(UInt8(ascii: ","))
            if campaign.originalAuthor >= 0 {
                out.append(string: ids.postID(campaign.originalID, author: Int(campaign.originalAuthor)))
            }
            out.append(UInt8(ascii: ","))
            out.append(string: campaignLink(campaign))
            out.append(UInt8(ascii: ","))
            if campaign.behaviour != .coReply {
                out.append(string: world.groupTags[Int(campaign.group)].map { world.tagNames[Int($0)] }.joined(separator: " "))
            }
            out.append(UInt8(ascii: "\n"))
            coordinationFile.buffer = out
            try coordinationFile.flushIfFull()
        }
    }

    /// The link every post of the campaign carries; none for a reply brigade.
    func campaignLink(_ campaign: CampaignRecord) -> String {
        guard campaign.behaviour != .coReply else { return "" }
        return "https://" + world.domainNames[Int(campaign.linkDomain)] + "/articles/" + String(campaign.linkPath)
    }

    func close() throws(SynthError) {
        try postFile?.close()
        try coordinationFile.close()
    }
}
