import Foundation
import VigieCore

/// The record of processing activities (GDPR Art. 30) of one workspace, generated from what is
/// configured: retention periods, alert receivers, live sources and the platforms of the data.
public struct ProcessingRecord: Sendable, Codable {
    public var workspace: String
    public var generatedAt: Date
    public var language: DocumentLanguage
    public var controller: String?
    public var purposes: [String]
    public var legalBasis: String
    public var dataSubjects: String
    public var categories: [String]
    public var sources: [String]
    public var recipients: [String]
    public var retention: [String]
    public var transfers: String
    public var securityMeasures: [String]
    /// Figures that show the processing's scale: accounts, posts, erasures and requests so far.
    public var figures: [String: Int]

    /// The record as Markdown, for the DPO's register.
    public var markdown: String {
        let text = PrivacyText(language: language)
        func block(_ title: String, _ lines: [String]) -> String {
            "## \(title)\n\n" + lines.map { "- \($0)" }.joined(separator: "\n") + "\n\n"
        }
        var out = "# \(text.pick("Record of processing", "Registre des traitements")) — \(workspace)\n\n"
        out += "\(text.pick("Generated on", "Généré le")) \(generatedAt.ISO8601Format()) \(text.pick("from the workspace's configuration", "à partir de la configuration de l'espace de travail")).\n\n"
        if let controller { out += "**\(text.pick("Controller", "Responsable de traitement"))**: \(controller)\n\n" }
        out += block(text.pick("Purposes", "Finalités"), purposes)
        out += block(text.pick("Legal basis", "Base légale"), [legalBasis])
        out += block(text.pick("Data subjects", "Personnes concernées"), [dataSubjects])
        out += block(text.pick("Categories of data", "Catégories de données"), categories)
        out += block(text.pick("Sources", "Sources"), sources)
        out += block(text.pick("Recipients", "Destinataires"), recipients)
        out += block(text.pick("Retention", "Durées de conservation"), retention)
        out += block(text.pick("Transfers outside the EU", "Transferts hors UE"), [transfers])
        out += block(text.pick("Security measures", "Mesures de sécurité"), securityMeasures)
        out += block(text.pick("Figures", "Chiffres"), figures.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })
        return out
    }
}

public struct ProcessingRecordRequest: Sendable, Hashable {
    public var language: DocumentLanguage
    /// The controller's name as it should appear (the client brand), when known.
    public var controller: String?

    public init(language: DocumentLanguage = .en, controller: String? = nil) {
        self.language = language
        self.controller = controller
    }
}

extension Engine {
    /// Writes the workspace's record of processing from its current configuration.
    ///
    /// ```swift
    /// let record = try await engine.processingRecord(ProcessingRecordRequest(language: .fr, controller: "Acme SAS"))
    /// print(record.markdown)
    /// ```
    public func processingRecord(_ request: ProcessingRecordRequest) async throws -> ProcessingRecord {
        let text = PrivacyText(language: request.language)
        let information = try await accessInformation(records: nil, language: request.language)
        let stats = try await store.stats(workspace: workspace)
        var figures = ["accounts": 0, "posts": 0, "interactions": 0]
        for counts in stats.byPlatform.values {
            figures["accounts", default: 0] += counts.accounts
            figures["posts", default: 0] += counts.posts
            figures["interactions", default: 0] += counts.interactions
        }
        figures["erasures"] = try await store.erasureReceipts(workspace: workspace, limit: 100_000).count
        let requests = try await store.privacyRequests(workspace: workspace, filter: PrivacyRequestFilter(limit: 100_000))
        figures["requests"] = requests.count
        figures["requestsOpen"] = requests.filter(\.state.isOpen).count
        var measures = text.securityMeasures
        if try await store.isPseudonymising(workspace: workspace) { measures.append(text.pseudonymisationMeasure) }
        let hasWebhooks = try await store.alertRules(workspace: workspace).contains { $0.webhookURL != nil }
        let transfers = hasWebhooks
            ? text.pick("Alert receivers may be outside the EU: check each webhook host listed under recipients.",
                        "Les destinataires d'alertes peuvent être hors UE : vérifier chaque hôte de webhook listé parmi les destinataires.")
            : text.pick("None: the data stays on the server running Vigie.", "Aucun : les données restent sur le serveur qui exécute Vigie.")
        return ProcessingRecord(
            workspace: workspace, generatedAt: Date(), language: request.language, controller: request.controller,
            purposes: information.purposes, legalBasis: information.legalBasis,
            dataSubjects: text.pick("People whose public posts or profiles match the workspace's topics, and the accounts they interact with.",
                                    "Les personnes dont les publications ou profils publics correspondent aux sujets de l'espace de travail, et les comptes avec lesquels elles interagissent."),
            categories: information.categories, sources: information.sources, recipients: information.recipients,
            retention: information.retention, transfers: transfers, securityMeasures: measures, figures: figures)
    }
}
