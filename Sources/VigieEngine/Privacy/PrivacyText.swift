import Foundation
import VigieCore

/// The language of documents written for data subjects and data-protection officers.
public enum DocumentLanguage: String, Sendable, Hashable, Codable, CaseIterable {
    case en, fr
}

/// The fixed wording of the Art. 15 and Art. 30 documents, in English and French. What varies
/// (retention periods, recipients, sources) is filled in from the store and the configuration.
struct PrivacyText {
    let language: DocumentLanguage

    func pick(_ en: String, _ fr: String) -> String { language == .fr ? fr : en }

    var purposes: [String] {
        [pick("Listening to public conversations about the topics the workspace's client follows (social listening).",
              "Écoute des conversations publiques sur les sujets suivis par le client de l'espace de travail (veille sociale)."),
         pick("Finding which accounts matter around a topic (influence analysis) and choosing partners.",
              "Identifier les comptes qui comptent autour d'un sujet (analyse d'influence) et choisir des partenaires."),
         pick("Detecting inauthentic accounts and coordinated behaviour (fake followers, bots, coordinated networks).",
              "Détecter les comptes inauthentiques et les comportements coordonnés (faux abonnés, robots, réseaux coordonnés)."),
         pick("Alerting the workspace's team when a topic spikes or a weak signal appears.",
              "Alerter l'équipe de l'espace de travail quand un sujet s'emballe ou qu'un signal faible apparaît.")]
    }

    var legalBasis: String {
        pick("Legitimate interest of the controller (GDPR Art. 6(1)(f)); data collected from public sources (Art. 14).",
             "Intérêt légitime du responsable de traitement (RGPD art. 6.1.f) ; données collectées auprès de sources publiques (art. 14).")
    }

    var categories: [String] {
        [pick("Public profile: handle, display name, biography, location, link, creation date, verification and bot flags.",
              "Profil public : identifiant, nom affiché, biographie, localisation, lien, date de création, badges de vérification et de robot."),
         pick("Public counts over time: followers, following, posts.",
              "Compteurs publics dans le temps : abonnés, abonnements, publications."),
         pick("Public posts and their earlier versions, with hashtags, mentions and links.",
              "Publications publiques et leurs versions antérieures, avec mots-dièse, mentions et liens."),
         pick("Interactions with other accounts: replies, reposts, quotes, mentions, likes, follows.",
              "Interactions avec d'autres comptes : réponses, partages, citations, mentions, mentions « j'aime », abonnements."),
         pick("Scores computed by Vigie: likelihood of inauthentic behaviour with its reasons, audience quality, coordination with other accounts.",
              "Scores calculés par Vigie : probabilité de comportement inauthentique avec ses raisons, qualité de l'audience, coordination avec d'autres comptes."),
         pick("Campaign records: campaigns naming the person as an influencer (with the fee), the short links made for their audience with click and conversion counts (no visitor is identified).",
              "Données de campagne : campagnes citant la personne comme influenceur (avec sa rémunération), liens courts créés pour son audience avec les nombres de clics et de conversions (aucun visiteur n'est identifié).")]
    }

    var scoreLogic: [String] {
        [pick("The inauthenticity score is a probability from a statistical model (logistic regression or gradient-boosted trees) trained on public, expert-labelled accounts. It reads profile signals (age of the account, followers to following ratio, posting rate, default profile picture, digits in the handle, biography) and behaviour signals (share of reposts, regularity of posting times, duplicate texts, sudden follower jumps).",
              "Le score d'inauthenticité est une probabilité issue d'un modèle statistique (régression logistique ou arbres de décision boostés) entraîné sur des comptes publics étiquetés par des experts. Il lit des signaux de profil (âge du compte, rapport abonnés/abonnements, rythme de publication, photo par défaut, chiffres dans l'identifiant, biographie) et de comportement (part des partages, régularité des heures de publication, textes en double, sauts soudains d'abonnés)."),
         pick("An account is labelled \"likely inauthentic\" only when the probability passes the threshold of its profile family and enough is known; otherwise it is \"unknown\". Each score comes with the signals that pushed it up and down.",
              "Un compte n'est qualifié de « probablement inauthentique » que si la probabilité dépasse le seuil de sa famille de profils et que les données suffisent ; sinon il est « inconnu ». Chaque score est livré avec les signaux qui l'ont fait monter et descendre."),
         pick("Coordination links two accounts that post the same text, link or repost within a short window more often than chance; clusters are groups of such accounts. These are computed on request from the stored posts and interactions and are not stored.",
              "La coordination relie deux comptes qui publient le même texte, lien ou partage dans une courte fenêtre plus souvent que le hasard ; les grappes sont des groupes de tels comptes. Ils sont calculés à la demande à partir des publications et interactions conservées et ne sont pas stockés."),
         pick("No decision producing legal effects is made automatically (Art. 22): scores inform people who decide.",
              "Aucune décision produisant des effets juridiques n'est prise automatiquement (art. 22) : les scores éclairent des personnes qui décident.")]
    }

    var rights: [String] {
        [pick("Access (Art. 15): this document.", "Accès (art. 15) : le présent document."),
         pick("Rectification (Art. 16) of inaccurate data.", "Rectification (art. 16) des données inexactes."),
         pick("Erasure (Art. 17): the account, its posts and everything derived from them are erased, and the account is kept from being collected again.",
              "Effacement (art. 17) : le compte, ses publications et tout ce qui en est dérivé sont effacés, et le compte n'est plus collecté."),
         pick("Objection (Art. 21) to the processing based on legitimate interest.",
              "Opposition (art. 21) au traitement fondé sur l'intérêt légitime."),
         pick("Complaint to the supervisory authority (in France, the CNIL: www.cnil.fr).",
              "Réclamation auprès de l'autorité de contrôle (en France, la CNIL : www.cnil.fr).")]
    }

    var securityMeasures: [String] {
        [pick("Per-workspace separation of data; users with roles (viewer, analyst, admin, owner).",
              "Séparation des données par espace de travail ; utilisateurs avec rôles (lecteur, analyste, administrateur, propriétaire)."),
         pick("Passwords hashed with bcrypt; session ids and API tokens stored only as SHA-256 hashes.",
              "Mots de passe hachés avec bcrypt ; identifiants de session et jetons d'API conservés uniquement sous forme de hachés SHA-256."),
         pick("Audit log of sign-ins, changes, exports, searches for a person, erasures and retention changes.",
              "Journal d'audit des connexions, modifications, exports, recherches de personnes, effacements et changements de durée de conservation."),
         pick("Erasure overwrites deleted bytes (SQLite secure_delete, full-text index rewrite, log truncation); erased people are kept out by a keyed hash, not their identifiers.",
              "L'effacement écrase les octets supprimés (secure_delete de SQLite, réécriture de l'index plein texte, troncature du journal) ; les personnes effacées sont écartées par un haché à clé, pas par leurs identifiants."),
         pick("No IP address of data subjects is collected.", "Aucune adresse IP des personnes concernées n'est collectée."),
         pick("Accounts a platform deletes or takes down are erased from Vigie when the deletion is imported or streamed.",
              "Les comptes supprimés ou retirés par une plateforme sont effacés de Vigie dès que la suppression est importée ou reçue en direct."),
         pick("Data subjects' requests are tracked with the requester's identity check and the one-month deadline.",
              "Les demandes des personnes sont suivies avec la vérification de l'identité du demandeur et le délai d'un mois.")]
    }

    var pseudonymisationMeasure: String {
        pick("Pseudonymisation: outputs show people as keyed pseudonyms; only an owner with the workspace's key can reveal one, and each reveal is audited.",
             "Pseudonymisation : les sorties montrent les personnes sous des pseudonymes à clé ; seul un propriétaire disposant de la clé de l'espace de travail peut en lever un, et chaque levée est journalisée.")
    }

    func retentionLine(_ kind: RetentionPolicy.DataKind, days: Int?) -> String {
        let period = days.map { pick("\($0) days", "\($0) jours") } ?? pick("no limit set", "aucune limite fixée")
        let name: String = switch kind {
        case .posts: pick("Posts and their derived data", "Publications et données dérivées")
        case .interactions: pick("Interactions", "Interactions")
        case .profiles: pick("Profiles no longer linked to kept data", "Profils qui ne sont plus liés à des données conservées")
        case .metrics: pick("Profile count history", "Historique des compteurs de profil")
        case .alerts: pick("Alerts and their evidence", "Alertes et leurs éléments de preuve")
        case .rejects: pick("Rejected input lines", "Lignes d'import rejetées")
        }
        return "\(name): \(period)"
    }

    func sourceLine(platform: String, detail: String?) -> String {
        let base = pick("Public data from \(platform)", "Données publiques de \(platform)")
        return detail.map { "\(base) (\($0))" } ?? base
    }

    var noRecipients: String {
        pick("The workspace's members only; no alert receiver is configured.",
             "Les seuls membres de l'espace de travail ; aucun destinataire d'alertes n'est configuré.")
    }

    func recipientLine(host: String) -> String {
        pick("Alert receiver (webhook) at \(host)", "Destinataire d'alertes (webhook) : \(host)")
    }

    var membersRecipient: String {
        pick("Members of the workspace (the controller's team and its agency)",
             "Membres de l'espace de travail (l'équipe du responsable de traitement et son agence)")
    }
}
