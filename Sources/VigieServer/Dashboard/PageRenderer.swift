import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders dashboard pages: the page's template inside the layout, with the words of the
/// reader's language and the navigation of the workspace being looked at. Templates are parsed
/// once, at start-up, from the copies embedded in the binary.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static let templateNames: [(name: String, bytes: [UInt8])] = [
        ("layout", PackageResources.layout_mustache), ("sign-in", PackageResources.sign_in_mustache),
        ("workspaces", PackageResources.workspaces_mustache), ("home", PackageResources.home_mustache),
        ("chart", PackageResources.chart_mustache), ("query", PackageResources.query_mustache),
        ("account", PackageResources.account_mustache), ("imports", PackageResources.imports_mustache),
        ("job", PackageResources.job_mustache), ("rejects", PackageResources.rejects_mustache),
        ("audit", PackageResources.audit_mustache), ("error", PackageResources.error_mustache),
        ("watch", PackageResources.watch_mustache), ("influencers", PackageResources.influencers_mustache),
        ("trust", PackageResources.trust_mustache), ("coordination", PackageResources.coordination_mustache),
        ("alerts", PackageResources.alerts_mustache), ("pending", PackageResources.pending_mustache),
        ("campaign-list", PackageResources.campaign_list_mustache), ("campaign-report", PackageResources.campaign_report_mustache),
    ]

    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in Self.templateNames {
            do {
                try library.register(String(decoding: bytes, as: UTF8.self), named: name)
            } catch {
                throw TemplateError(name: name, underlying: "\(error)")
            }
        }
        self.library = library
    }

    struct TemplateError: Error, CustomStringConvertible {
        var name: String
        var underlying: String
        var description: String { "template \(name) does not parse: \(underlying)" }
    }

    /// The page `template` with `page` as its content, as an HTML response.
    func render(_ template: String, page: Any, frame: PageFrame, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(PageContext(frame: frame, page: page), withTemplate: template) ?? ""
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Pages hold a workspace's data: never cached by browsers or proxies, never framed, no
    /// script at all, forms post only to Vigie.
    static let securityHeaders: HTTPFields = [
        .cacheControl: "no-store",
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        HTTPField.Name("X-Frame-Options")!: "DENY",
    ]
}

/// What the layout needs around every page: language, user, workspace navigation.
struct PageFrame: Sendable {
    var language: Language
    var title: String
    /// The path of this page (with its query), for the language switch to come back to.
    var path: String
    var user: String?
    var csrf: String?
    var workspace: WorkspaceNavigation?
    var refreshSeconds: Int?
}

/// The navigation of a workspace's pages, by what the reader's role allows.
struct WorkspaceNavigation: Sendable {
    struct Link: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    var name: String
    var roleLabel: String
    var links: [Link]

    init(scope: WorkspaceScope, language: Language, current: String) {
        name = scope.name
        roleLabel = language.text("role." + scope.role.rawValue)
        let base = "/w/" + DashboardPaths.escape(scope.name)
        var items: [(String, String, String)] = [
            ("home", base, language.text("home")),
            ("query", base + "/query", language.text("query")),
            ("accounts", base + "/accounts", language.text("accounts")),
            ("imports", base + "/imports", language.text("imports")),
            ("rejects", base + "/rejects", language.text("rejects")),
            ("alerts", base + "/alerts", language.text("alerts")),
            ("trust", base + "/trust", language.text("trustReport")),
            ("coordination", base + "/coordination", language.text("coordination")),
            ("campaigns", base + "/campaigns", language.text("campaigns")),
        ]
        if scope.role == .owner { items.append(("audit", base + "/audit", language.text("audit"))) }
        links = items.map { Link(href: $0.1, label: $0.2, current: $0.0 == current) }
    }
}

/// The object templates render: the frame's fields at the top level (`{{t.signIn}}`, `{{user}}`)
/// and the page's own under `page`.
struct PageContext {
    struct LanguageLink {
        var code: String
        var name: String
        var href: String
        var current: Bool
    }

    let t: [String: String]
    let lang: String
    let title: String
    let user: String?
    let csrf: String?
    let workspace: WorkspaceNavigation?
    let refreshSeconds: Int?
    let languages: [LanguageLink]
    let printedOn: String
    let page: Any

    init(frame: PageFrame, page: Any) {
        t = frame.language.strings
        lang = frame.language.rawValue
        title = frame.title
        user = frame.user
        csrf = frame.csrf
        workspace = frame.workspace
        refreshSeconds = frame.refreshSeconds
        languages = [(Language.fr, "Français"), (Language.en, "English")].map { language, name in
            LanguageLink(code: language.rawValue, name: name,
                         href: "/language?set=\(language.rawValue)&next=" + DashboardPaths.escapeQuery(frame.path),
                         current: language == frame.language)
        }
        printedOn = frame.language.format(Date())
        self.page = page
    }
}

/// Building dashboard links safely.
enum DashboardPaths {
    /// A path segment (a workspace, an account handle) percent-encoded.
    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~@"))) ?? segment
    }

    /// A query-string value percent-encoded.
    static func escapeQuery(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? value
    }

    /// `next` targets must stay on this site: a local absolute path, not `//elsewhere`.
    static func isLocal(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("//") && !path.hasPrefix("/\\") && !path.contains("\r") && !path.contains("\n")
    }
}
