import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle
import VigieCore
import VigieEngine

/// The request context of the redirector: Hummingbird's storage and the peer's address, which
/// only the visitor key sees.
package struct LinkRequestContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    package let remoteAddress: SocketAddress?

    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// The short-link redirector as an HTTP application: `GET /{code}` answers 302 (301 when the
/// link asks) to the target with its UTM parameters, after the click is committed; an unknown
/// code gets a small 404 page, and a visitor trying too many unknown codes a 429. No request
/// is logged: the address must reach neither the disk nor the logs.
///
/// ```swift
/// let app = buildLinkApplication(configuration: LinkServerConfiguration(port: 8090), store: store)
/// try await app.runService()
/// ```
package func buildLinkApplication(configuration: LinkServerConfiguration, store: any Store,
                                  logger: Logger = Logger(label: "vigie.links"),
                                  redirector: LinkRedirector? = nil,
                                  onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let redirector = redirector ?? LinkRedirector(store: store, settings: configuration.redirector)
    let links = LinkController(store: store, redirector: redirector, configuration: configuration, logger: logger)
    let router = Router(context: LinkRequestContext.self)
    links.addRoutes(to: router)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port),
                                                serverName: configuration.serverName),
        services: [StoreCloser(store: store, logger: logger), SaltSweeper(keys: redirector.keys)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger)
}

struct LinkController: Sendable {
    let store: any Store
    let redirector: LinkRedirector
    let configuration: LinkServerConfiguration
    let logger: Logger

    func addRoutes(to router: Router<LinkRequestContext>) {
        router.get("health") { _, _ in "ok\n" }
        router.get("p.gif", use: pixel)
        router.get("{code}", use: follow)
        router.head("{code}", use: follow)
    }

    @Sendable func follow(_ request: Request, context: LinkRequestContext) async throws -> Response {
        let code = context.parameters.get("code") ?? ""
        let headers = request.headers
        let click = ClickRequest(
            code: Substring(code), address: address(request, context: context), userAgent: headers[.userAgent],
            referrer: headers[.referer],
            prefetch: headers[values: HTTPField.Name("Sec-Purpose")!].contains { $0.contains("prefetch") }
                || headers[values: HTTPField.Name("Purpose")!].contains("prefetch")
                || headers[values: HTTPField.Name("X-Moz")!].contains("prefetch"),
            country: configuration.countryHeader.flatMap { HTTPField.Name($0) }.flatMap { headers[$0] },
            at: Date())
        let answer: RedirectAnswer
        do {
            answer = try await redirector.redirect(click)
        } catch {
            // The click could not be stored: say so rather than redirect unmeasured.
            logger.error("a click could not be stored", metadata: ["error": .string(String(describing: error))])
            return Self.page(.serviceUnavailable, title: "Try again", text: "This link cannot be followed right now. Please try again.",
                             extra: [.retryAfter: "5"])
        }
        switch answer {
        case .redirect(let location, let permanent):
            var fields: HTTPFields = [.location: location]
            fields[.cacheControl] = permanent ? "public, max-age=86400" : "private, no-store"
            return Response(status: permanent ? .movedPermanently : .found, headers: fields)
        case .notFound:
            return Self.page(.notFound, title: "Link not found", text: "This link does not exist or is no longer active.")
        case .tooManyUnknownCodes(let seconds):
            return Self.page(.tooManyRequests, title: "Too many requests",
                             text: "Too many unknown links were requested from this address. Try again later.",
                             extra: [.retryAfter: String(seconds)])
        }
    }

    /// The first-party conversion pixel the brand's order page embeds:
    /// `<img src="https://go.brand.example/p.gif?key=ORDER&value=49.90&currency=EUR&click=VGCLID">`
    /// (or `code=CODE` instead of `click`: the same browser's visitor key then finds its last click,
    /// within 48 hours). Always answers the 1×1 GIF, so a page never shows a broken image; what
    /// was recorded is the report's business. Pixels are public: a conversion is only counted
    /// against a click that exists, and its key is recorded once.
    @Sendable func pixel(_ request: Request, context: LinkRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let code = query["code"].map(String.init)
        let clickID = query["click"].map(String.init)
        var workspace: String?
        var visitor: String?
        let now = Date()
        if let clickID, let click = try? await store.click(id: clickID) {
            workspace = click.workspace
        } else if let code, ShortCode.isWellFormed(Substring(code)), let link = try? await store.resolveLink(code: code) {
            workspace = link.workspace
            let address = address(request, context: context)
            let agent = String((request.headers[.userAgent] ?? "").prefix(ClickClassifier.maximumUserAgent))
            // Today's key, else yesterday's (its salt is kept 48 hours).
            for day in [now, now.addingTimeInterval(-86_400)] {
                let key = redirector.keys.key(address: address, userAgent: agent, code: code, at: day)
                if (try? await store.lastClick(code: code, visitor: key, notBefore: now.addingTimeInterval(-2 * 86_400))) != nil {
                    visitor = key
                    break
                }
            }
        }
        if let workspace, let key = query["key"], let value = query["value"].flatMap({ Double(String($0)) }), let currency = query["currency"],
           clickID != nil || visitor != nil {
            let engine = Engine(store: store, configuration: EngineConfiguration(workspace: workspace))
            do {
                _ = try await engine.recordConversion(RecordConversionRequest(
                    idempotencyKey: String(key), value: value, currency: String(currency), clickID: visitor == nil ? clickID : nil,
                    code: visitor == nil ? nil : code, visitor: visitor), now: now)
            } catch is EngineError {
                // A malformed pixel records nothing; the page is not the place to say so.
            }
        }
        return Response(status: .ok, headers: [.contentType: "image/gif", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: Self.transparentGIF)))
    }

    /// A 1×1 transparent GIF.
    static let transparentGIF: [UInt8] = [
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
        0x02, 0x44, 0x01, 0x00, 0x3B,
    ]

    /// The peer's address, or the proxy's first `X-Forwarded-For` entry when trusted. Used for
    /// the visitor key in memory; never logged or stored.
    private func address(_ request: Request, context: LinkRequestContext) -> String {
        if configuration.trustForwardedFor, let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!],
           let first = forwarded.split(separator: ",").first {
            return first.trimmingCharacters(in: .whitespaces)
        }
        return context.remoteAddress?.ipAddress ?? "unknown"
    }

    static func page(_ status: HTTPResponse.Status, title: String, text: String, extra: HTTPFields = [:]) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>\(title)</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;color:#222;max-width:32rem;margin:15vh auto;padding:0 1rem}h1{font-size:1.4rem}</style>
            </head><body><h1>\(title)</h1><p>\(text)</p></body></html>

            """
        var fields = extra
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// Drops the visitor keys' salts once their day is two days old, every few minutes, so that a
/// quiet redirector (no click to trigger the drop) still forgets them on time.
struct SaltSweeper: Service {
    let keys: VisitorKeys
    var interval: Duration = .seconds(300)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                keys.dropExpired(now: Date())
                try? await Task.sleep(for: interval)
            }
        }
    }
}
