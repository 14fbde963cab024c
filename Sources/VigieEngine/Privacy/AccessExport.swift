import Foundation
import VigieCore

/// An access request (GDPR Art. 15): everything held about one person, the scores Vigie
/// computes about them with their reasons, and the information the article requires.
public struct PrivacyExportRequest: Sendable, Hashable {
    /// `platform:id` or `@handle`.
    public var subject: String
    public var language: DocumentLanguage
    /// Whether to compute the inauthenticity score (needs the trust model).
    public var includeScores: Bool
    public var actor: String
    public var reason: String
    /// The tracked request (``PrivacyRequest``) this export answers: it must be an access request
    /// whose requester's identity was verified; it is then completed with the export's digest.
    /// Its subject is used when `subject` is empty.
    public var requestID: Int64?

    public init(subject: String = "", language: DocumentLanguage = .en, includeScores: Bool = true,
                actor: String = "cli", reason: String = "", requestID: Int64? = nil) {
        self.subject = subject
        self.language = language
        self.includeScores = includeScores
        self.actor = actor
        self.reason = reason
        self.requestID = requestID
    }

    public func validate() throws(EngineError) {
        guard !subject.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw EngineError(.invalidArgument, field: "subject", "name the person as platform:id (twitter:12345) or @handle")
        }
    }
}

/// The Art. 15 items that are not the data itself.
public struct AccessInformation: Sendable, Hashable, Codable {
    public var purposes: [String]
    public var legalBasis: String
    public var categories: [String]
    public var recipients: [String]
    public var retention: [String]
    public var sources: [String]
    public var scoreLogic: [String]
    public var rights: [String]
}

/// The export itself: encoded as JSON, or rendered as HTML by ``html``.
public struct SubjectAccessExport: Sendable, Codable {
    public var generatedAt: Date
    public var language: DocumentLanguage
    public var subject: AccountKey
    public var records: SubjectRecords
    public var scores: [AccountTrust]
    public var information: AccessInformation
    /// What could not be included and why (a missing model, data not stored).
    public var notes: [String]
}

public struct PrivacyExportResult: Sendable {
    public var export: SubjectAccessExport
    public var json: Data
    public var html: String
    public var seconds: Double
    /// The request it answered, now completed.
    public var request: PrivacyRequest?
}

extension Engine {
    /// Gathers what the workspace holds about one person, as JSON and as a readable HTML page.
    ///
    /// ```swift
    /// let result = try await engine.exportSubject(PrivacyExportRequest(subject: "twitter:12345", language: .fr))
    /// try result.json.write(to: URL(fileURLWithPath: "dsar-12.json"))
    /// ```
    public func exportSubject(_ request: PrivacyExportRequest) async throws -> PrivacyExportResult {
        var request = request
        var tracked: PrivacyRequest?
        if let id = request.requestID {
            tracked = try await answerableRequest(id, answeredByErasure: false)
            request.subject = try await subject(given: request.subject, request: tracked)
        }
        try request.validate()
        let clock = ContinuousClock()
        let started = clock.now
        let key = try await resolveSubject(SubjectReference(request.subject), field: "subject")
        guard let records = try await store.subjectRecords(key, workspace: workspace) else {
            throw EngineError(.notFound, field: "subject", "no account \(key) in workspace '\(workspace)'")
        }
        var notes: [String] = []
        var scores: [AccountTrust] = []
        if request.includeScores {
            do {
                let model = try resources.trustModel()
                scores = try await scoreAccounts([key], model: model, reasons: 8)
            } catch let error as EngineError where error.code == .resourceMissing {
                notes.append("inauthenticity score not computed: \(error.message)")
            }
        }
        notes.append("coordination edges and clusters are not stored: they are computed on request from the posts and interactions listed here")
        let information = try await accessInformation(records: records, language: request.language)
        let export = SubjectAccessExport(generatedAt: Date(), language: request.language, subject: key, records: records,
                                         scores: scores, information: information, notes: notes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let json = try encoder.encode(export)
        let html = AccessExportPage(export: export).render()
        let hash = try await store.subjectHash(key, workspace: workspace)
        if var answered = tracked {
            // Vigie keeps no copy of the export: the digest proves which file was sent.
            answered.exportedAt = export.generatedAt
            answered.exportDigest = KeyedHash.hex(of: KeyedHash.sha256(Array(json)))
            answered.state = .completed
            answered.closedAt = export.generatedAt
            answered.note = "answered by an access export"
            tracked = try await save(answered)
        }
        try await auditPrivacy("privacy.export", actor: request.actor, target: "subject:" + hash.prefix(16),
                               detail: "\(records.posts.count) posts" + (tracked.map { "; request \($0.id)" } ?? "")
                                   + reasonSuffix(request.reason))
        let elapsed = clock.now - started
        return PrivacyExportResult(export: export, json: json, html: html,
                                   seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                                   request: tracked)
    }

    /// Purposes, categories, recipients (the members and every alert webhook's host), retention
    /// (the workspace's policy), sources (the platforms of the records, the live sources'
    /// instances or relays), the logic of the scores and the rights.
    func accessInformation(records: SubjectRecords?, language: DocumentLanguage) async throws -> AccessInformation {
        let text = PrivacyText(language: language)
        let policy = try await store.retentionPolicy(workspace: workspace)
        let retention = RetentionPolicy.DataKind.allCases.map { text.retentionLine($0, days: policy.days[$0]) }
        return AccessInformation(purposes: text.purposes, legalBasis: text.legalBasis, categories: text.categories,
                                 recipients: try await recipients(text), retention: retention,
                                 sources: try await sources(text, platform: records?.account.platform),
                                 scoreLogic: text.scoreLogic, rights: text.rights)
    }

    func recipients(_ text: PrivacyText) async throws -> [String] {
        let hosts = Set(try await store.alertRules(workspace: workspace).compactMap { rule in
            rule.webhookURL.flatMap { URL(string: $0)?.host }
        }).sorted()
        return [text.membersRecipient] + (hosts.isEmpty ? [text.noRecipients] : hosts.map(text.recipientLine))
    }

    func sources(_ text: PrivacyText, platform: Platform?) async throws -> [String] {
        var lines: [String] = []
        for source in try await store.sources(workspace: workspace) {
            switch source.settings {
            case .jetstream(let settings): lines.append(text.sourceLine(platform: "Bluesky", detail: settings.endpoint))
            case .mastodon(let settings): lines.append(text.sourceLine(platform: "Mastodon", detail: settings.instance))
            }
        }
        if let platform, !lines.contains(where: { $0.localizedCaseInsensitiveContains(platform.rawValue) }) {
            lines.insert(text.sourceLine(platform: platform.rawValue, detail: text.pick("file import", "import de fichier")), at: 0)
        }
        if lines.isEmpty {
            let platforms = try await store.stats(workspace: workspace).byPlatform.keys.sorted()
            lines = platforms.map { text.sourceLine(platform: $0, detail: text.pick("file import", "import de fichier")) }
        }
        return lines
    }
}
