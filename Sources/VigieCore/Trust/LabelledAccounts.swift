import Foundation

/// Accounts with a fake/genuine label, read from the labelled data sets in `../shared/data`.
public struct LabelledAccount: Sendable {
    public var subject: TrustSubject
    /// 1 = bot or fake, 0 = genuine, under the set's label rule; `nil` for an account the rule
    /// leaves out (the experts disagree): it is used for training only, through `target`.
    public var label: Double?
    /// The training target in [0, 1]: the hard label, or for the TwiBot study the experts' mean
    /// score / 4 (a soft label, so that accounts the experts disagree on still teach something).
    public var target: Double
    /// The label under the alternative rule (TwiBot: at least 2 of the 3 experts say likely or
    /// definitely bot), for every account; `nil` when the set has no second rule.
    public var majorityLabel: Double?
    public var dataset: String
    /// The experts' 0–4 scores, in the order of the labels file (empty for sets without them).
    public var votes: [Int] = []
    /// Who gave each vote (the labels file's `annotator` column), in the same order.
    public var annotators: [String] = []
    /// The features, for sets that give derived counts rather than a profile (InstaFake).
    public var featureOverride: TrustFeatureVector?

    /// What the model reads for this account.
    public var features: TrustFeatureVector { featureOverride ?? TrustFeatureExtractor.features(of: subject) }

    /// The account's platform.
    public var platform: Platform { subject.account.platform }

    public init(subject: TrustSubject, label: Double?, target: Double? = nil, majorityLabel: Double? = nil, dataset: String) {
        self.subject = subject
        self.label = label
        self.target = target ?? label ?? 0
        self.majorityLabel = majorityLabel
        self.dataset = dataset
    }
}

/// One labelled data set and how its labels were made.
public struct LabelledSet: Sendable {
    public var name: String
    /// Accounts with a label under the set's rule.
    public var accounts: [LabelledAccount]
    /// Accounts left out of evaluation by the rule (the experts disagree), kept with a soft
    /// target for training.
    public var ambiguous: [LabelledAccount] = []
    /// Accounts left out (ambiguous labels, no profile), with the reason.
    public var excluded: Int
    public var labelRule: String
    /// The alternative rule `majorityLabel` follows, if any.
    public var majorityRule: String?
}

/// Readers for the labelled data sets. Errors name the file, line and field.
public enum LabelledData {
    /// Every labelled set a folder holds: the TwiBot annotation study gives two (TwiBot-20 and
    /// TwiBot-22 profiles), the SRF Instagram study one, a `users.jsonl` folder one (InstaFake),
    /// a folder of such folders one each (the Bot Repository's eight).
    public static func load(directory: URL) throws -> [LabelledSet] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory.path) else {
            throw TrustError("--data \(directory.path): no such folder")
        }
        if names.contains("annotation_combine.csv") { return try twibotAnnotation(directory: directory) }
        let sets = try profileSets(directory: directory)
        if !sets.isEmpty { return sets }
        if let csv = names.sorted().first(where: { $0.hasPrefix("labelled") && $0.hasSuffix(".csv") }) {
            return [try srf(file: directory.appendingPathComponent(csv))]
        }
        throw TrustError("--data \(directory.path): neither a TwiBot annotation study (annotation_combine.csv) "
                         + "nor the SRF Instagram study (labelled_*.csv) nor labelled profiles (users.jsonl, or folders of them)")
    }

    /// The rule turning the three experts' 0–4 scores into a label.
    public static let twibotLabelRule = "mean of the 3 experts' 0–4 scores ≥ 2.5 = bot, ≤ 1.5 = human, "
        + "in between (experts disagree or are unsure) left out of evaluation; trained on every account with "
        + "the soft target mean/4"
    /// The alternative rule, reported beside the first one.
    public static let twibotMajorityRule = "majority vote: bot when at least 2 of the 3 experts score 3 (likely bot) "
        + "or 4 (definitely bot), every account kept"

    /// When the TwiBot profiles were collected, the date account age is measured at.
    static let twibotCollected: [String: String] = ["Twibot20": "2020-09-30", "Twibot22": "2022-03-31"]

    /// The TwiBot annotation study: 500 TwiBot-20 and 500 TwiBot-22 profiles (no tweets), each
    /// scored 0 (definitely human) to 4 (definitely bot) by three experts.
    public static func twibotAnnotation(directory: URL) throws -> [LabelledSet] {
        let labelsFile = directory.appendingPathComponent("annotation_combine.csv")
        var scores: [String: [Int]] = [:]
        var annotators: [String: [String]] = [:]
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
            annotators[fields[0], default: []].append(fields.count >= 3 ? fields[2] : "")
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
            var ambiguous: [LabelledAccount] = []
            var excluded = 0
            for (index, user) in users.enumerated() {
                guard let id = string(user["id"]) else {
                    throw TrustError("\(file.path): user [\(index)] has no 'id'")
                }
                guard let votes = scores[id], !votes.isEmpty else { excluded += 1; continue }
                let mean = Double(votes.reduce(0, +)) / Double(votes.count)
                let label: Double? = mean >= 2.5 ? 1 : mean <= 1.5 ? 0 : nil
                let majority: Double = votes.filter { $0 >= 3 }.count * 2 > votes.count ? 1 : 0
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
                    location: presentString(user["location"]) ?? "", url: presentString(user["url"]) ?? "",
                    isPrivate: bool(user["protected"]), observedAt: reference)
                let subject = TrustSubject(account: account, referenceDate: reference)
                var labelled = LabelledAccount(subject: subject, label: label, target: mean / 4, majorityLabel: majority,
                                               dataset: prefix.lowercased())
                labelled.votes = votes
                labelled.annotators = annotators[id] ?? []
                if label == nil {
                    excluded += 1
                    ambiguous.append(labelled)
                } else {
                    accounts.append(labelled)
                }
            }
            // Shared bios are counted over the whole study (every profile is in the "workspace").
            var all = accounts + ambiguous
            markSharedBios(&all)
            accounts = Array(all.prefix(accounts.count))
            ambiguous = Array(all.dropFirst(accounts.count))
            sets.append(LabelledSet(name: prefix.lowercased(), accounts: accounts, ambiguous: ambiguous, excluded: excluded,
                                    labelRule: twibotLabelRule, majorityRule: twibotMajorityRule))
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
            accounts.append(LabelledAccount(subject: TrustSubject(account: account),
                                            label: label ? 1 : 0, dataset: "srf"))
        }
        return LabelledSet(name: "srf", accounts: accounts, excluded: excluded,
                           labelRule: "the study's hand label: rating TRUE = fake follower")
    }

    /// How well one expert agrees with the others: for each vote position, the ROC AUC of that
    /// expert's 0–4 score against the label the other experts' mean gives (≥ 2.5 bot, ≤ 1.5 human,
    /// in between left out). A ceiling of sorts for a model of the same labels.
    public static func expertAgreement(_ accounts: [LabelledAccount]) -> [Double] {
        let positions = accounts.map(\.votes.count).min() ?? 0
        guard positions >= 2 else { return [] }
        return (0..<positions).map { k in
            var scores: [Double] = [], labels: [Double] = []
            for account in accounts {
                let others = account.votes.enumerated().filter { $0.offset != k }.map(\.element)
                let mean = Double(others.reduce(0, +)) / Double(others.count)
                guard mean >= 2.5 || mean <= 1.5 else { continue }
                scores.append(Double(account.votes[k]))
                labels.append(mean >= 2.5 ? 1 : 0)
            }
            return ClassifierMetrics.rocAUC(scores, labels)
        }
    }

    /// The human ceiling: one expert's own label under the same rule (score ≥ 3 = bot, as a mean
    /// ≥ 2.5 is for three) against the label of the other experts (their mean ≥ 2.5 bot, ≤ 1.5
    /// human, in between left out), over every (expert, account) pair; and per expert.
    public static func expertCeiling(_ accounts: [LabelledAccount]) -> ExpertCeiling? {
        var pooled = ExpertCeiling.Counts()
        var perExpert: [String: ExpertCeiling.Counts] = [:]
        for account in accounts where account.votes.count >= 2 {
            for (k, vote) in account.votes.enumerated() {
                let others = account.votes.enumerated().filter { $0.offset != k }.map(\.element)
                let mean = Double(others.reduce(0, +)) / Double(others.count)
                guard mean >= 2.5 || mean <= 1.5 else { continue }
                let expert = k < account.annotators.count ? account.annotators[k] : "position \(k + 1)"
                pooled.add(predicted: vote >= 3, actual: mean >= 2.5)
                perExpert[expert, default: .init()].add(predicted: vote >= 3, actual: mean >= 2.5)
            }
        }
        guard pooled.total > 0 else { return nil }
        return ExpertCeiling(pooled: pooled, experts: perExpert.sorted { $0.key < $1.key }.map { .init(expert: $0.key, counts: $0.value) })
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

    /// A string field, with TwiBot-20's `None` (Python's null written as text) read as absent.
    static func presentString(_ value: Any?) -> String? {
        guard let text = string(value), text != "None" else { return nil }
        return text
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

/// How well one expert's label matches the other experts' label: the F1 a "perfect model of one
/// expert" would reach against the labels used for evaluation.
public struct ExpertCeiling: Sendable, Codable, Hashable {
    public struct Counts: Sendable, Codable, Hashable {
        public var truePositives = 0
        public var falsePositives = 0
        public var falseNegatives = 0
        public var total = 0
        public var positives = 0

        public init() {}

        mutating func add(predicted: Bool, actual: Bool) {
            total += 1
            if actual { positives += 1 }
            if predicted && actual { truePositives += 1 } else if predicted { falsePositives += 1 } else if actual { falseNegatives += 1 }
        }

        public var precision: Double { truePositives + falsePositives > 0 ? Double(truePositives) / Double(truePositives + falsePositives) : 0 }
        public var recall: Double { truePositives + falseNegatives > 0 ? Double(truePositives) / Double(truePositives + falseNegatives) : 0 }
        public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }
    }

    public struct Expert: Sendable, Codable, Hashable {
        public var expert: String
        public var counts: Counts
    }

    /// Over every (expert, account) pair.
    public var pooled: Counts
    public var experts: [Expert]

    public var summary: String {
        String(format: "one expert's label (score ≥ 3) against the other two's (mean ≥ 2.5 bot, ≤ 1.5 human): "
               + "%d pairs (%d bot), P %.2f R %.2f F1 %.2f; per expert F1 ", pooled.total, pooled.positives,
               pooled.precision, pooled.recall, pooled.f1)
            + experts.map { String(format: "%@ %.2f", $0.expert, $0.counts.f1) }.joined(separator: ", ")
    }
}
