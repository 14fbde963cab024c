import Foundation

/// Accounts with a fake/genuine label, read from the labelled data sets in `../shared/data`.
public struct LabelledAccount: Sendable {
    public var subject: TrustSubject
    /// 1 = bot or fake, 0 = genuine.
    public var label: Double
    public var dataset: String

    public init(subject: TrustSubject, label: Double, dataset: String) {
        self.subject = subject
        self.label = label
        self.dataset = dataset
    }
}

/// One labelled data set and how its labels were made.
public struct LabelledSet: Sendable {
    public var name: String
    public var accounts: [LabelledAccount]
    /// Accounts left out (ambiguous labels, no profile), with the reason.
    public var excluded: Int
    public var labelRule: String
}

/// Readers for the labelled data sets. Errors name the file, line and field.
public enum LabelledData {
    /// Every labelled set a folder holds: the TwiBot annotation study gives two (TwiBot-20 and
    /// TwiBot-22 profiles), the SRF Instagram study one.
    public static func load(directory: URL) throws -> [LabelledSet] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw TrustError("--data \(directory.path): no such folder")
        }
        if names.contains("annotation_combine.csv") { return try twibotAnnotation(directory: directory) }
        if let csv = names.sorted().first(where: { $0.hasPrefix("labelled") && $0.hasSuffix(".csv") }) {
            return [try srf(file: directory.appendingPathComponent(csv))]
        }
        throw TrustError("--data \(directory.path): neither a TwiBot annotation study (annotation_combine.csv) "
                         + "nor the SRF Instagram study (labelled_*.csv)")
    }

    /// The rule turning the three experts' 0–4 scores into a label.
    public static let twibotLabelRule = "mean of the 3 experts' 0–4 scores ≥ 2.5 = bot, ≤ 1.5 = human, "
        + "in between (experts disagree or are unsure) left out"

    /// When the TwiBot profiles were collected, the date account age is measured at.
    static let twibotCollected: [String: String] = ["Twibot20": "2020-09-30", "Twibot22": "2022-03-31"]

    /// The TwiBot annotation study: 500 TwiBot-20 and 500 TwiBot-22 profiles (no tweets), each
    /// scored 0 (definitely human) to 4 (definitely bot) by three experts.
    public static func twibotAnnotation(directory: URL) throws -> [LabelledSet] {
        let labelsFile = directory.appendingPathComponent("annotation_combine.csv")
        var scores: [String: [Int]] = [:]
        let text = try readText(labelsFile)
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() where number > 0 {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count >= 2, let score = Int(fields[1]), (0...4).contains(score) else {
                throw TrustError("\(labelsFile.path):\(number + 1): expected `id,label,annotator` with a label 0–4, got '\(line)'")
            }
            scores[fields[0], default: []].append(score)
        }
        var sets: [LabelledSet] = []
        for prefix in ["Twibot20", "Twibot22"] {
            let file = directory.appendingPathComponent("\(prefix)-anno_study.json")
            guard FileManager.default.fileExists(atPath: file.path) else { continue }
            let root: Any
            do { root = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) } catch {
                throw TrustError("\(file.path): not JSON (\(error.localizedDescription))")
            }
            guard let users = root as? [[String: Any]] else { throw TrustError("\(file.path): expected an array of user objects") }
            let reference = DateParsing.parse(twibotCollected[prefix]!)!
            var accounts: [LabelledAccount] = []
            var excluded = 0
            for (index, user) in users.enumerated() {
                guard let id = string(user["id"]) else {
                    throw TrustError("\(file.path): user [\(index)] has no 'id'")
                }
                guard let votes = scores[id], !votes.isEmpty else { excluded += 1; continue }
                let mean = Double(votes.reduce(0, +)) / Double(votes.count)
                guard mean >= 2.5 || mean <= 1.5 else { excluded += 1; continue }
                let metrics = user["public_metrics"] as? [String: Any] ?? [:]
                let image = string(user["profile_image_url"])
                let account = Account(
                    platform: .twitter, platformID: id, handle: string(user["username"]),
                    displayName: string(user["name"]), bio: string(user["description"]) ?? "",
                    createdAt: string(user["created_at"]).flatMap(DateParsing.parse),
                    followers: int(metrics["followers_count"]), following: int(metrics["following_count"]),
                    postsCount: int(metrics["tweet_count"]), listedCount: int(metrics["listed_count"]),
                    verified: bool(user["verified"]),
                    defaultProfileImage: image.map { $0.isEmpty || $0.contains("default_profile") },
                    location: string(user["location"]) ?? "", url: string(user["url"]) ?? "",
                    isPrivate: bool(user["protected"]), observedAt: reference)
                let subject = TrustSubject(id: Int64(index), account: account, referenceDate: reference)
                accounts.append(LabelledAccount(subject: subject, label: mean >= 2.5 ? 1 : 0, dataset: prefix.lowercased()))
            }
            markSharedBios(&accounts)
            sets.append(LabelledSet(name: prefix.lowercased(), accounts: accounts, excluded: excluded, labelRule: twibotLabelRule))
        }
        guard !sets.isEmpty else { throw TrustError("\(directory.path): no Twibot20/22-anno_study.json beside annotation_combine.csv") }
        return sets
    }

    /// The SRF study's hand-labelled Instagram followers: username, posts, following, followers,
    /// profile picture, private; `rating` TRUE = fake.
    public static func srf(file: URL) throws -> LabelledSet {
        let text = try readText(file)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first.map(csvFields) else { throw TrustError("\(file.path): empty file") }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw TrustError("\(file.path):1: no column '\(name)' (columns: \(header.joined(separator: ", ")))")
            }
            return index
        }
        let rating = try column("rating"), user = try column("Username"), posts = try column("Number.of.posts")
        let following = try column("Number.of.people.they.follow"), followers = try column("Number.of.followers")
        let picture = try column("has_profile_picture"), privacy = try column("Private.account")
        var accounts: [LabelledAccount] = []
        var excluded = 0
        for (offset, line) in lines.dropFirst().enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = csvFields(line)
            guard fields.count == header.count else {
                throw TrustError("\(file.path):\(offset + 2): \(fields.count) fields, the header has \(header.count)")
            }
            guard let label = bool(fields[rating]) else { excluded += 1; continue }
            let account = Account(
                platform: .instagram, platformID: fields[user], handle: fields[user],
                followers: Int(fields[followers]), following: Int(fields[following]), postsCount: Int(fields[posts]),
                defaultProfileImage: bool(fields[picture]).map { !$0 }, isPrivate: bool(fields[privacy]))
            accounts.append(LabelledAccount(subject: TrustSubject(id: Int64(offset), account: account),
                                            label: label ? 1 : 0, dataset: "srf"))
        }
        return LabelledSet(name: "srf", accounts: accounts, excluded: excluded,
                           labelRule: "the study's hand label: rating TRUE = fake follower")
    }

    /// Sets `bioSharedWith` from the bios of the set itself.
    static func markSharedBios(_ accounts: inout [LabelledAccount]) {
        var counts: [String: Int] = [:]
        for a in accounts { if let bio = a.subject.account.bio?.trimmingCharacters(in: .whitespaces), !bio.isEmpty { counts[bio, default: 0] += 1 } }
        for i in accounts.indices {
            let bio = accounts[i].subject.account.bio?.trimmingCharacters(in: .whitespaces) ?? ""
            accounts[i].subject.bioSharedWith = bio.isEmpty ? 0 : (counts[bio] ?? 1) - 1
        }
    }

    static func readText(_ url: URL) throws -> String {
        do { return try String(contentsOf: url, encoding: .utf8) } catch {
            throw TrustError("cannot read \(url.path): \(error.localizedDescription)")
        }
    }

    /// Fields of one CSV line (RFC 4180 quotes, no line breaks inside fields).
    static func csvFields(_ line: String) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var previousQuote = false
        for character in line where character != "\r" {
            if quoted {
                if character == "\"" { quoted = false; previousQuote = true } else { field.append(character) }
            } else if character == "\"" {
                if previousQuote { field.append("\"") }
                quoted = true
                previousQuote = false
            } else if character == "," {
                fields.append(field)
                field = ""
                previousQuote = false
            } else {
                field.append(character)
                previousQuote = false
            }
        }
        fields.append(field)
        return fields
    }

    /// TwiBot writes values with a trailing space and booleans as "False "; JSON null is unknown.
    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text.trimmingCharacters(in: .whitespaces)
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    static func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        return string(value).flatMap { Int($0) }
    }

    static func bool(_ value: Any?) -> Bool? {
        if let number = value as? NSNumber, !(value is String) { return number.boolValue }
        switch string(value)?.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: return nil
        }
    }
}
