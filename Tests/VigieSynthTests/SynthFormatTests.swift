import Foundation
import Testing
import VigieCore
import VigieIngest
@testable import VigieSynth

/// Every format: each line parses, counts match the configuration, and the fields a real
/// importer reads are there with consistent offsets, ids and timestamps.
@Suite struct SynthFormatTests {
    let configuration = SynthConfiguration(posts: 3000, seed: 42)

    @Test func rawValuesMatchImportFormats() {
        for format in SynthFormat.allCases {
            #expect(ImportFormat(rawValue: format.rawValue) != nil, "\(format.rawValue) is not an import format")
        }
    }

    @Test func twitterV2PagesCarryTweetsUsersAndEntities() throws {
        let (summary, directory) = try generate(configuration, .twitterV2)
        defer { try? FileManager.default.removeItem(at: directory) }
        var tweets = 0
        var retweets = 0
        for line in try lines(of: summary.dataFile) {
            let page = try parse(line)
            let data = array(page["data"])
            #expect(!data.isEmpty && data.count <= 100)
            #expect(page["__twarc"]?["url"]?.string != nil)
            #expect(page["meta"]?["result_count"]?.int == data.count)
            let users = array(page["includes"]?["users"])
            let userIDs = Set(users.compactMap { $0["id"]?.string })
            for user in users {
                #expect(user["public_metrics"]?["followers_count"]?.int != nil)
                #expect(user["username"]?.string != nil)
                #expect(DateParsing.parse(user["created_at"]?.string ?? "") != nil)
            }
            let includedIDs = Set(array(page["includes"]?["tweets"]).compactMap { $0["id"]?.string })
            for tweet in data {
                tweets += 1
                let text = try #require(tweet["text"]?.string)
                #expect(tweet["id"]?.string != nil)
                #expect(userIDs.contains(tweet["author_id"]?.string ?? ""), "author missing from includes.users")
                #expect(DateParsing.parse(tweet["created_at"]?.string ?? "") != nil)
                #expect(tweet["public_metrics"]?["like_count"]?.int != nil)
                if let reference = tweet["referenced_tweets"]?[0] {
                    #expect(includedIDs.contains(reference["id"]?.string ?? ""), "referenced tweet missing from includes")
                    if reference["type"]?.string == "retweeted" {
                        retweets += 1
                        #expect(text.hasPrefix("RT @"))
                    }
                }
                for tag in array(tweet["entities"]?["hashtags"]) {
                    let slice = codePointSlice(text, tag["start"]?.int ?? -1, tag["end"]?.int ?? -1)
                    #expect(slice == "#" + (tag["tag"]?.string ?? ""))
                }
                for mention in array(tweet["entities"]?["mentions"]) {
                    let slice = codePointSlice(text, mention["start"]?.int ?? -1, mention["end"]?.int ?? -1)
                    #expect(slice == "@" + (mention["username"]?.string ?? ""))
                }
                for url in array(tweet["entities"]?["urls"]) {
                    let slice = codePointSlice(text, url["start"]?.int ?? -1, url["end"]?.int ?? -1)
                    #expect(slice == url["url"]?.string)
                    #expect(url["expanded_url"]?.string?.hasPrefix("https://") == true)
                }
            }
        }
        #expect(tweets == configuration.posts)
        #expect(retweets == summary.reposts)
        #expect(retweets > 0)
    }

    @Test func twitterV1TweetsEmbedTheirUser() throws {
        let (summary, directory) = try generate(configuration, .twitterV1)
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try lines(of: summary.dataFile)
        #expect(all.count == configuration.posts)
        var retweets = 0, quotes = 0
        for line in all {
            let tweet = try parse(line)
            let text = try #require(tweet["text"]?.string)
            #expect(tweet["id_str"]?.string == tweet["id"]?.stringOrNumber)
            #expect(DateParsing.parse(tweet["created_at"]?.string ?? "") != nil, "v1.1 date must parse")
            #expect(DateParsing.parse(tweet["user"]?["created_at"]?.string ?? "") != nil)
            #expect(tweet["user"]?["screen_name"]?.string != nil)
            #expect(tweet["user"]?["followers_count"]?.int != nil)
            if tweet["retweeted_status"] != nil {
                retweets += 1
                #expect(text.hasPrefix("RT @"))
            }
            if tweet["quoted_status"] != nil {
                quotes += 1
                #expect(tweet["is_quote_status"] == .bool(true))
            }
            for tag in array(tweet["entities"]?["hashtags"]) {
                let indices = tag["indices"]
                let slice = codePointSlice(text, indices?[0]?.int ?? -1, indices?[1]?.int ?? -1)
                #expect(slice == "#" + (tag["text"]?.string ?? ""))
            }
            for url in array(tweet["entities"]?["urls"]) {
                let indices = url["indices"]
                #expect(codePointSlice(text, indices?[0]?.int ?? -1, indices?[1]?.int ?? -1) == url["url"]?.string)
            }
        }
        #expect(retweets == summary.reposts)
        #expect(quotes == summary.quotes)
    }

    @Test func mastodonStatusesCarryAccountsAndHTML() throws {
        let (summary, directory) = try generate(configuration, .mastodon)
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try lines(of: summary.dataFile)
        #expect(all.count == configuration.posts)
        var boosts = 0, tagged = 0
        for line in all {
            let status = try parse(line)
            #expect(status["id"]?.string != nil)
            #expect(status["account"]?["id"]?.string != nil)
            #expect(status["account"]?["acct"]?.string != nil)
            #expect(DateParsing.parse(status["created_at"]?.string ?? "") != nil)
            let content = status["content"]?.string ?? ""
            if let reblog = status["reblog"] {
                boosts += 1
                #expect(content.isEmpty)
                #expect(reblog["content"]?.string?.hasPrefix("<p>") == true)
            } else {
                #expect(content.hasPrefix("<p>") && content.hasSuffix("</p>"))
            }
            if let first = array(status["tags"]).first {
                tagged += 1
                #expect(content.contains("#<span>\(first["name"]?.string ?? "?")</span>"))
            }
        }
        #expect(boosts == summary.reposts)
        #expect(tagged > 0)
    }

    @Test func jetstreamEventsHaveFacetsAtByteOffsets() throws {
        let (summary, directory) = try generate(configuration, .jetstream)
        defer { try? FileManager.default.removeItem(at: directory) }
        var posts = 0, reposts = 0, likes = 0, follows = 0, identities = 0, facets = 0
        for line in try lines(of: summary.dataFile) {
            let event = try parse(line)
            #expect(event["did"]?.string?.hasPrefix("did:plc:") == true)
            #expect(event["time_us"]?.int != nil)
            switch event["kind"]?.string {
            case "identity":
                identities += 1
                #expect(event["identity"]?["handle"]?.string?.hasSuffix(".bsky.social") == true)
            case "commit":
                let commit = try #require(event["commit"])
                #expect(commit["operation"]?.string == "create")
                #expect(commit["rkey"]?.string?.count == 13)
                let record = try #require(commit["record"])
                #expect(DateParsing.parse(record["createdAt"]?.string ?? "") != nil)
                switch commit["collection"]?.string {
                case "app.bsky.feed.post":
                    posts += 1
                    let text = try #require(record["text"]?.string)
                    for facet in array(record["facets"]) {
                        facets += 1
                        let slice = byteSlice(text, facet["index"]?["byteStart"]?.int ?? -1,
                                              facet["index"]?["byteEnd"]?.int ?? -1)
                        let feature = facet["features"]?[0]
                        switch feature?["$type"]?.string {
                        case "app.bsky.richtext.facet#tag": #expect(slice == "#" + (feature?["tag"]?.string ?? ""))
                        case "app.bsky.richtext.facet#link": #expect(slice == feature?["uri"]?.string)
                        case "app.bsky.richtext.facet#mention":
                            #expect(slice.hasPrefix("@") && slice.hasSuffix(".bsky.social"))
                            #expect(feature?["did"]?.string?.hasPrefix("did:plc:") == true)
                        default: Issue.record("unknown facet \(String(describing: feature))")
                        }
                    }
                    if let parent = record["reply"]?["parent"]?["uri"]?.string {
                        #expect(parent.hasPrefix("at://did:plc:") && parent.contains("/app.bsky.feed.post/"))
                    }
                case "app.bsky.feed.repost":
                    reposts += 1
                    #expect(record["subject"]?["uri"]?.string?.hasPrefix("at://") == true)
                case "app.bsky.feed.like":
                    likes += 1
                case "app.bsky.graph.follow":
                    follows += 1
                    #expect(record["subject"]?.string?.hasPrefix("did:plc:") == true)
                default:
                    Issue.record("unexpected collection")
                }
            default:
                Issue.record("unexpected kind \(event["kind"]?.string ?? "nil")")
            }
        }
        #expect(posts + reposts == configuration.posts)
        #expect(reposts == summary.reposts)
        #expect(likes == summary.likes && likes > 0)
        #expect(follows == summary.follows)
        #expect(identities > 0 && facets > 0)
    }

    @Test func toolkitCSVHasEightColumnsAndEpochSeconds() throws {
        let (summary, directory) = try generate(configuration, .toolkitCSV)
        defer { try? FileManager.default.removeItem(at: directory) }
        let all = try lines(of: summary.dataFile)
        #expect(all.first == "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls")
        #expect(all.count - 1 == configuration.posts)
        let start = configuration.start.timeIntervalSince1970
        var withURLs = 0, reposts = 0
        for line in all.dropFirst() {
            let fields = csvFields(line)
            #expect(fields.count == 8, "wrong column count in \(line)")
            guard fields.count == 8 else { continue }
            let timestamp = try #require(Double(fields[6]))
            #expect(timestamp >= start && timestamp <= start + Double(configuration.days) * 86_400 + 120)
            if !fields[7].isEmpty {
                withURLs += 1
                for url in fields[7].split(separator: " ") { #expect(fields[5].contains(url)) }
            }
            if !fields[3].isEmpty { reposts += 1 }
        }
        #expect(withURLs > 0)
        #expect(reposts == summary.reposts)
    }
}
