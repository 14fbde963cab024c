import Foundation
import VigieCore

/// The access export as one self-contained HTML page, in the export's language: a summary the
/// person can read, then every record. Everything from the store is escaped.
struct AccessExportPage {
    let export: SubjectAccessExport

    private var text: PrivacyText { PrivacyText(language: export.language) }
    private func t(_ en: String, _ fr: String) -> String { text.pick(en, fr) }

    func render() -> String {
        let records = export.records
        let account = records.account
        var html = """
            <!doctype html>
            <html lang="\(export.language.rawValue)"><head><meta charset="utf-8">
            <title>\(t("Your data held in Vigie", "Vos données conservées dans Vigie"))</title>
            <style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
            table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;
            text-align:left;vertical-align:top}th{background:#f3f3f3}h2{margin-top:2rem;border-bottom:1px solid #ddd}</style>
            </head><body>
            <h1>\(t("Your data held in Vigie", "Vos données conservées dans Vigie"))</h1>
            <p>\(t("Answer to an access request (GDPR Art. 15), generated on", "Réponse à une demande d'accès (RGPD art. 15), générée le"))
            \(htmlEscaped(date(export.generatedAt))) — \(t("workspace", "espace de travail")) <b>\(htmlEscaped(records.workspace))</b>.</p>

            """
        html += section(t("Summary", "Résumé"), table([
            [t("Account", "Compte"), "\(account.platform.rawValue):\(account.platformID)"],
            [t("Handle", "Identifiant"), account.handle.map { "@" + $0 } ?? "—"],
            [t("Display name", "Nom affiché"), account.displayName ?? "—"],
            [t("Posts", "Publications"), "\(records.posts.count)"],
            [t("Earlier versions of posts", "Versions antérieures de publications"), "\(records.versions.count)"],
            [t("Interactions made", "Interactions faites"), "\(records.interactionsMade.count)"],
            [t("Interactions received", "Interactions reçues"), "\(records.interactionsReceived.count)"],
            [t("Posts of others naming you", "Publications d'autres comptes vous nommant"), "\(records.mentionedIn.count)"],
            [t("Saved searches matching your posts", "Recherches enregistrées couvrant vos publications"), "\(records.watchMatches.count)"],
            [t("Alerts naming you", "Alertes vous nommant"), "\(records.alerts.count)"],
            [t("Campaigns listing you", "Campagnes vous listant"), "\(records.campaigns.count)"],
            [t("Short links made for you", "Liens courts créés pour vous"), "\(records.links.count)"],
        ]))
        let info = export.information
        html += section(t("Why and how your data is processed", "Pourquoi et comment vos données sont traitées"),
                        subsection(t("Purposes", "Finalités"), info.purposes + [info.legalBasis])
                        + subsection(t("Categories of data", "Catégories de données"), info.categories)
                        + subsection(t("Recipients", "Destinataires"), info.recipients)
                        + subsection(t("Retention", "Durées de conservation"), info.retention)
                        + subsection(t("Source of the data", "Source des données"), info.sources)
                        + subsection(t("How the scores are made", "Comment les scores sont calculés"), info.scoreLogic)
                        + subsection(t("Your rights", "Vos droits"), info.rights))
        html += section(t("Profile", "Profil"), table(profileRows(account))
            + table([[t("Observed", "Observé le"), t("Followers", "Abonnés"), t("Following", "Abonnements"), t("Posts", "Publications")]]
                    + records.metricHistory.map { [date($0.at), number($0.followers), number($0.following), number($0.postsCount)] },
                    header: true))
        html += section(t("Scores computed about you", "Scores calculés à votre sujet"), scoresHTML())
        html += section(t("Your posts", "Vos publications"), table(
            [[t("Date", "Date"), "Id", t("Text", "Texte"), t("Hashtags, mentions, links", "Mots-dièse, mentions, liens")]]
            + records.posts.map { post in
                [date(post.createdAt), post.platformID, post.text,
                 (post.hashtags.map { "#" + $0 } + post.mentions.map { "@" + $0.handle } + post.urls).joined(separator: " ")]
            }, header: true)
            + (records.versions.isEmpty ? "" : "<h3>\(t("Earlier versions", "Versions antérieures"))</h3>" + table(
                [["Post", t("Version", "Version"), t("Date", "Date"), t("Text", "Texte")]]
                + records.versions.map { [$0.postID, $0.versionID, date($0.editedAt ?? $0.createdAt), $0.text] }, header: true)))
        html += section(t("Interactions", "Interactions"),
                        "<h3>\(t("Made", "Faites"))</h3>" + interactionTable(records.interactionsMade)
                        + "<h3>\(t("Received", "Reçues"))</h3>" + interactionTable(records.interactionsReceived))
        html += section(t("Campaigns", "Campagnes"), campaignsHTML(records))
        html += section(t("Other records", "Autres enregistrements"), table(
            [[t("Kind", "Nature"), t("Detail", "Détail")]]
            + records.mentionedIn.map { [t("Named in a post", "Nommé dans une publication"), "\($0.author) — \($0.postID) — \(date($0.at))"] }
            + records.watchMatches.map { [t("Saved search", "Recherche enregistrée"), "\($0.watch) — \($0.postID)"] }
            + records.alerts.map { [t("Alert", "Alerte"), "\($0.rule) — \(date($0.firedAt)) — \($0.summary)"] }
            + records.tombstones.map { [t("Deletion notice", "Avis de suppression"), "\($0.target.rawValue) \($0.platformID) — \($0.reason)"] }
            + records.rejects.map { [t("Rejected input line", "Ligne d'import rejetée"), "\($0.file):\($0.line) — \($0.reason)"] },
            header: true))
        if !export.notes.isEmpty { html += section(t("Notes", "Remarques"), list(export.notes)) }
        return html + "</body></html>\n"
    }

    private func profileRows(_ account: Account) -> [[String]] {
        [[t("Biography", "Biographie"), account.bio ?? "—"],
         [t("Location", "Localisation"), account.location ?? "—"],
         [t("Link", "Lien"), account.url ?? "—"],
         [t("Created", "Créé le"), account.createdAt.map(date) ?? "—"],
         [t("Followers", "Abonnés"), number(account.followers)],
         [t("Following", "Abonnements"), number(account.following)],
         [t("Verified", "Vérifié"), account.verified.map { $0 ? t("yes", "oui") : t("no", "non") } ?? "—"],
         [t("Last observed", "Dernière observation"), account.observedAt.map(date) ?? "—"]]
    }

    private func scoresHTML() -> String {
        guard !export.scores.isEmpty else {
            return "<p>\(t("No score was computed for this export.", "Aucun score n'a été calculé pour cet export."))</p>"
        }
        return export.scores.map { score in
            table([[t("Inauthenticity score", "Score d'inauthenticité"), String(format: "%.3f", score.score)],
                   [t("Label", "Qualification"), score.label],
                   [t("Threshold of the profile family", "Seuil de la famille de profils"), "\(score.family): \(score.threshold)"],
                   [t("Confidence", "Confiance"), String(format: "%.2f", score.confidence)]])
            + subsection(t("What raised it", "Ce qui l'a fait monter"), score.reasonsUp.map(\.sentence))
            + subsection(t("What lowered it", "Ce qui l'a fait baisser"), score.reasonsDown.map(\.sentence))
        }.joined()
    }

    private func campaignsHTML(_ records: SubjectRecords) -> String {
        guard !records.campaigns.isEmpty || !records.links.isEmpty else {
            return "<p>\(t("No campaign names you.", "Aucune campagne ne vous nomme."))</p>"
        }
        return table([[t("Campaign", "Campagne"), t("Handle", "Identifiant"), t("Fee", "Rémunération"), t("From", "Du"), t("To", "Au")]]
                     + records.campaigns.map { [$0.campaign, "@" + $0.handle, $0.fee?.description ?? "—", date($0.startsAt),
                                                $0.endsAt.map(date) ?? "—"] }, header: true)
            + table([[t("Link", "Lien"), t("Campaign", "Campagne"), t("Target", "Destination"), t("Channel", "Canal"),
                      t("Clicks", "Clics"), t("Conversions", "Conversions"), t("Value", "Valeur")]]
                    + records.links.map { [$0.code, $0.campaign, $0.target, $0.channel ?? "—", String($0.clicks), String($0.conversions),
                                           $0.conversionValue.map(\.description).joined(separator: ", ")] }, header: true)
    }

    private func interactionTable(_ rows: [SubjectRecords.InteractionRecord]) -> String {
        table([[t("Date", "Date"), t("Kind", "Nature"), t("Other account", "Autre compte"), "Post"]]
              + rows.map { [date($0.at), $0.kind.rawValue, $0.counterpartHandle.map { "@" + $0 } ?? $0.counterpart?.description ?? "—",
                            $0.targetPostID ?? $0.viaID] }, header: true)
    }

    private func section(_ title: String, _ body: String) -> String { "<h2>\(htmlEscaped(title))</h2>\n\(body)\n" }
    private func subsection(_ title: String, _ items: [String]) -> String {
        items.isEmpty ? "" : "<h3>\(htmlEscaped(title))</h3>\n" + list(items)
    }
    private func list(_ items: [String]) -> String { "<ul>" + items.map { "<li>\(htmlEscaped($0))</li>" }.joined() + "</ul>\n" }

    private func table(_ rows: [[String]], header: Bool = false) -> String {
        var html = "<table>"
        for (index, row) in rows.enumerated() {
            let cell = header && index == 0 ? "th" : "td"
            html += "<tr>" + row.map { "<\(cell)>\(htmlEscaped($0))</\(cell)>" }.joined() + "</tr>"
        }
        return html + "</table>\n"
    }

    private func number(_ value: Int?) -> String { value.map(String.init) ?? "—" }
    private func date(_ value: Date) -> String { value.ISO8601Format() }
}

/// Text made safe for HTML element content and attribute values.
func htmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
