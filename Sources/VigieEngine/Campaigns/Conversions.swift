import Foundation
import VigieCore

/// A conversion reported by the brand (its API call or its pixel), attributed to the last click
/// on a campaign link within the window: the click that carried `clickID` to the brand's site,
/// or the newest click of `visitor` on `code` (a visitor key, so within 48 hours at most).
public struct RecordConversionRequest: Sendable, Hashable {
    /// The brand's unique key for this conversion (its order id, say): a replay is not counted twice.
    public var idempotencyKey: String
    /// The amount, in `currency` (`49.90`).
    public var value: Double
    public var currency: String
    public var clickID: String?
    public var code: String?
    public var visitor: String?
    public var at: Date?
    /// How long after a click a conversion is still its doing.
    public var window: TimeInterval

    public static let defaultWindow: TimeInterval = 7 * 86_400

    public init(idempotencyKey: String = "", value: Double = 0, currency: String = "", clickID: String? = nil, code: String? = nil,
                visitor: String? = nil, at: Date? = nil, window: TimeInterval = Self.defaultWindow) {
        self.idempotencyKey = idempotencyKey
        self.value = value
        self.currency = currency
        self.clickID = clickID
        self.code = code
        self.visitor = visitor
        self.at = at
        self.window = window
    }

    public func validate() throws(EngineError) {
        guard !idempotencyKey.isEmpty, idempotencyKey.count <= 200,
              !idempotencyKey.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw EngineError(.invalidArgument, field: "idempotencyKey", "give a key of 1 to 200 printable characters, unique per conversion")
        }
        guard let currency = Currency(code: currency) else {
            throw EngineError(.invalidArgument, field: "currency", "'\(self.currency)' is not an ISO 4217 currency code (EUR, USD, CHF…)")
        }
        guard Money(value: value, currency: currency) != nil else {
            throw EngineError(.invalidArgument, field: "value", "\(value) is not an amount of \(currency.code): it must be 0 or more, "
                              + "below a trillion, with at most \(currency.exponent) decimals")
        }
        guard window > 0, window <= 90 * 86_400 else {
            throw EngineError(.invalidArgument, field: "window", "the attribution window must be between 1 second and 90 days")
        }
        if let clickID, !ShortCode.isWellFormedClickID(clickID) {
            throw EngineError(.invalidArgument, field: "clickID", "'\(clickID.prefix(40))' is not a click id")
        }
        if let code, !ShortCode.isWellFormed(Substring(code)) {
            throw EngineError(.invalidArgument, field: "code", "'\(code.prefix(40))' is not a short code")
        }
        if visitor != nil, code == nil {
            throw EngineError(.invalidArgument, field: "code", "a visitor key is per link: give the link's code with it")
        }
    }
}

public struct RecordConversionResult: Sendable, Codable, Hashable {
    /// `false` when the idempotency key was seen before (nothing changed).
    public var recorded: Bool
    /// The link the conversion was attributed to, `nil` when no click was found in the window.
    public var code: String?
    public var clickAt: Date?
    public var explanation: String
}

extension Engine {
    /// Records a conversion in the workspace, attributed to its last click within the window.
    ///
    /// ```swift
    /// let result = try await engine.recordConversion(RecordConversionRequest(idempotencyKey: "order-1042", value: 49.9,
    ///                                                                        currency: "EUR", clickID: clickID))
    /// ```
    public func recordConversion(_ request: RecordConversionRequest, now: Date = Date()) async throws -> RecordConversionResult {
        try request.validate()
        let at = request.at ?? now
        guard at <= now.addingTimeInterval(300) else {
            throw EngineError(.invalidArgument, field: "at", "the conversion's time is in the future")
        }
        let currency = Currency(code: request.currency)!
        let value = Money(value: request.value, currency: currency)!
        var click: ClickReference?
        var explanation: String
        if let clickID = request.clickID {
            click = try await store.click(id: clickID)
            explanation = click == nil ? "click id \(clickID) is unknown (or its clicks were folded by retention)" : "click id \(clickID)"
        } else if let code = request.code, let visitor = request.visitor {
            click = try await store.lastClick(code: code, visitor: visitor, notBefore: at.addingTimeInterval(-request.window))
            explanation = click == nil ? "no click of this visitor on \(code) in the window" : "last click of this visitor on \(code)"
        } else {
            explanation = "no click id or visitor given"
        }
        if let found = click {
            if found.workspace != workspace {
                click = nil
                explanation = "the click belongs to another workspace"
            } else if found.at > at || at.timeIntervalSince(found.at) > request.window {
                click = nil
                explanation += " is outside the \(Int(request.window / 86_400))-day attribution window"
            }
        }
        let conversion = Conversion(idempotencyKey: request.idempotencyKey, at: at, value: value, code: click?.code, clickAt: click?.at)
        let recorded = try await store.recordConversion(conversion, workspace: workspace)
        return RecordConversionResult(recorded: recorded, code: click?.code, clickAt: click?.at,
                                      explanation: recorded ? (click == nil ? "unattributed: " : "attributed to ") + explanation
                                                            : "already recorded under this idempotency key: not counted again")
    }
}
