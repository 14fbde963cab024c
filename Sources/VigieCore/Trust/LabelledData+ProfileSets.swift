import Foundation

/// Readers for the labelled profile sets kept as `users.jsonl` (one object per line with a
/// `label` of `bot` or `human`): the Bot Repository sets (Twitter API v1.1 user objects) and
/// InstaFake (anonymised Instagram profile counts).
extension LabelledData {
    /// The keys a v1.1 user object may carry for when it was observed, in order of preference.
    /// `last_tweet_created_at` (the Bot Repository conversion's newest tweet of the crawl) is a
    /// lower bound of the crawl date; the others are the crawl or retrieval time itself.
    public static let observationKeys = ["retrieved_at", "crawled_at", "probe_timestamp", "last_tweet_created_at"]

    /// Every `users.jsonl` set under `directory`: the folder itself, or each sub-folder that has
    /// one (the Bot Repository root holds eight), in name order.
    static func profileSets(directory: URL) throws -> [LabelledSet] {
        let fm = FileManager.default
        if fm.fileExists(atPath: directory.appendingPathComponent("users.jsonl").path) {
            return [try profileSet(file: directory.appendingPathComponent("users.jsonl"), name: directory.lastPathComponent)]
        }
        let names = ((try? fm.contentsOfDirectory(atPath: directory.path)) ?? []).sorted().filter {
            fm.fileExists(atPath: directory.appendingPathComponent($0).appendingPathComponent("users.jsonl").path)
        }
        let short = setNames(names)
        return try names.map { name in
            try profileSet(file: directory.appendingPathComponent(name).appendingPathComponent("users.jsonl"), name: short[name]!)
        }
    }

    /// Names of sibling sets: the folder name, less a first word that several folders share
    /// (`lab-setA-2019`, `lab-setB-2018` → `setA-2019`, `setB-2018`): such a word names the
    /// group that published them, not the set, and the shorter name is what reports print.
    static func setNames(_ folders: [String]) -> [String: String] {
        func firstWord(_ name: String) -> Substring? {
            let parts = name.split(separator: "-", maxSplits: 1)
            return parts.count == 2 ? parts[0] : nil
        }
        var counts: [Substring: Int] = [:]
        for folder in folders { if let word = firstWord(folder) { counts[word, default: 0] += 1 } }
        var result: [String: String] = [:]
        for folder in folders {
            if let word = firstWord(folder), counts[word]! > 1 {
                result[folder] = String(folder.dropFirst(word.count + 1))
            } else {
                result[folder] = folder
            }
        }
        // Never two sets under one name.
        if Set(result.values).count < folders.count { return Dictionary(uniqueKeysWithValues: folders.map { ($0, $0) }) }
        return result
    }

    /// One `users.jsonl` set. Errors name the file and line.
    static func profileSet(file: URL, name: String) throws -> LabelledSet {
        let text = try readText(file)
        var accounts: [LabelledAccount] = []
        var excluded = 0
        var instagram = false
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            let where_ = "\(file.path):\(offset + 1)"
            guard let object = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any] else {
                throw TrustError("\(where_): not a JSON object")
            }
            let label: Double
            switch string(object["label"])?.lowercased() {
            case "bot", "fake": label = 1
            case "human", "real", "genuine": label = 0
            default:
                excluded += 1
                continue
            }
            if object["userFollowerCount"] != nil {
                instagram = true
                accounts.append(try instaFakeAccount(object, label: label, index: offset, at: where_, dataset: name))
            } else {
                accounts.append(try twitterV1Account(object, label: label, index: offset, at: where_, dataset: name))
            }
        }
        guard !accounts.isEmpty else { throw TrustError("\(file.path): no account labelled bot or human") }
        markSharedBios(&accounts)
        let rule = instagram ? "the study's label: fake or real (anonymised profile counts)"
            : "the Bot Repository label: bot or human"
        return LabelledSet(name: name, accounts: accounts, excluded: excluded, labelRule: rule)
    }

    /// A Twitter API v1.1 user object (original field names).
    static func twitterV1Account(_ user: [String: Any], label: Double, index: Int, at location: String,
                                 dataset: String) throws -> LabelledAccount {
        guard let id = string(user["id_str"]) ?? string(user["id"]) else { throw TrustError("\(location): no 'id_str' or 'id'") }
        func date(_ key: String) throws -> Date? {
            guard let text = string(user[key]), !text.isEmpty else { return nil }
            guard let date = DateParsing.parse(text) else { throw TrustError("\(location): '\(key)' is not a date: '\(text.prefix(40))'") }
            return date
        }
        let observed = try observationKeys.lazy.compactMap { try date($0) }.first
        var url = presentString(user["url"])
        if let entities = user["entities"] as? [String: Any], let section = entities["url"] as? [String: Any],
           let urls = section["urls"] as? [[String: Any]], let expanded = presentString(urls.first?["expanded_url"]) {
            url = expanded
        }
        let image = presentString(user["profile_image_url_https"]) ?? presentString(user["profile_image_url"])
        let account = Account(
            platform: .twitter, platformID: id, handle: string(user["screen_name"]), displayName: string(user["name"]),
            bio: string(user["description"]) ?? "", createdAt: try date("created_at"),
            followers: int(user["followers_count"]), following: int(user["friends_count"]),
            postsCount: int(user["statuses_count"]), listedCount: int(user["listed_count"]),
            verified: bool(user["verified"]),
            defaultProfileImage: bool(user["default_profile_image"]) ?? image.map { $0.contains("default_profile") },
            location: string(user["location"]) ?? "", url: url ?? "", isPrivate: bool(user["protected"]),
            observedAt: observed)
        return LabelledAccount(subject: TrustSubject(account: account, referenceDate: observed),
                               label: label, dataset: dataset)
    }

    /// An InstaFake record: counts only (no handle, name or bio text, no dates). The features
    /// are the ones these counts give, computed as the extractor would from a full profile.
    static func instaFakeAccount(_ object: [String: Any], label: Double, index: Int, at location: String,
                                 dataset: String) throws -> LabelledAccount {
        guard let followers = int(object["userFollowerCount"]), let following = int(object["userFollowingCount"]),
              let media = int(object["userMediaCount"]) else {
            throw TrustError("\(location): expected userFollowerCount, userFollowingCount and userMediaCount as integers")
        }
        let id = string(object["id"]) ?? "\(dataset)-\(index)"
        let picture = bool(object["userHasProfilPic"])
        let account = Account(platform: .instagram, platformID: id, followers: followers, following: following,
                              postsCount: media, defaultProfileImage: picture.map { !$0 }, isPrivate: bool(object["userIsPrivate"]))
        var labelled = LabelledAccount(subject: TrustSubject(account: account), label: label, dataset: dataset)
        var features = TrustFeatureExtractor.features(of: labelled.subject)
        if let bio = int(object["userBiographyLength"]) { features[.bioLength] = Double(bio) }
        if let length = int(object["usernameLength"]), length > 0 {
            features[.handleLength] = Double(length)
            if let digits = int(object["usernameDigitCount"]) { features[.handleDigits] = Double(digits) / Double(length) }
        }
        labelled.featureOverride = features
        return labelled
    }
}
