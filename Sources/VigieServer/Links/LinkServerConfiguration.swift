import VigieEngine

/// Settings of the short-link redirector (`vigie links serve`); every value has a default.
package struct LinkServerConfiguration: Sendable {
    package var host: String
    package var port: Int
    /// Take the client's address from the first `X-Forwarded-For` entry: only behind a proxy
    /// that sets it, or any client could choose its own visitor key.
    package var trustForwardedFor: Bool
    /// A header holding the visitor's country, set by the proxy or CDN in front (`CF-IPCountry`).
    package var countryHeader: String?
    package var redirector: RedirectorSettings
    package var serverName: String

    package init(host: String = "127.0.0.1", port: Int = 8090, trustForwardedFor: Bool = false, countryHeader: String? = nil,
                 redirector: RedirectorSettings = RedirectorSettings(), serverName: String = "Vigie") {
        self.host = host
        self.port = port
        self.trustForwardedFor = trustForwardedFor
        self.countryHeader = countryHeader
        self.redirector = redirector
        self.serverName = serverName
    }
}
