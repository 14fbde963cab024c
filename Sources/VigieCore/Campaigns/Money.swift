import Foundation

/// A currency of ISO 4217 with the number of digits after its decimal point, so amounts are kept
/// exactly as integers of minor units (cents, yen, fils).
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String
    /// Digits after the decimal point: 2 for EUR, 0 for JPY, 3 for KWD.
    public let exponent: Int

    /// The currency of this ISO 4217 code (any case), or `nil` for a code that is not one.
    public init?(code: String) {
        let upper = code.uppercased()
        guard upper.count == 3, let exponent = Self.exponents[upper] else { return nil }
        self.code = upper
        self.exponent = exponent
    }

    public var description: String { code }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let currency = Currency(code: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "'\(text)' is not an ISO 4217 currency code"))
        }
        self = currency
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }

    /// Active ISO 4217 codes with a minor unit other than 2; every other listed code has 2.
    private static let otherExponents: [String: Int] = [
        "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
        "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
        "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3, "CLF": 4, "UYW": 4,
    ]

    private static let twoDigitCodes = """
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD \
        CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS \
        GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL \
        MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK \
        PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS \
        TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
        """

    private static let exponents: [String: Int] = {
        var table = otherExponents
        for code in twoDigitCodes.split(separator: " ") { table[String(code)] = 2 }
        return table
    }()
}

/// An exact amount of money: an integer of the currency's minor units.
public struct Money: Sendable, Hashable, Codable, CustomStringConvertible {
    public var minorUnits: Int64
    public var currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// The largest amount Vigie accepts (a trillion units): beyond it an amount is a typo.
    public static let maximumUnits: Double = 1_000_000_000_000

    /// Parses `1250`, `1250.5` or `1 250,50` in `currency`; `nil` for text that is not a
    /// non-negative amount with at most the currency's decimals, or is absurdly large.
    public init?(parsing text: String, currency: Currency) {
        var cleaned = text.trimmingCharacters(in: .whitespaces).filter { $0 != " " && $0 != "_" && $0 != "\u{202F}" }
        cleaned = cleaned.replacingOccurrences(of: ",", with: ".")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else {
            return nil
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), fraction.count <= currency.exponent, (parts.count == 1 || !fraction.isEmpty),
              whole.count <= 13, let units = Int64(whole) else { return nil }
        let padded = fraction + String(repeating: "0", count: currency.exponent - fraction.count)
        let scale = Self.power(currency.exponent)
        let minor = units * scale + (Int64(padded) ?? 0)
        guard Double(units) <= Self.maximumUnits else { return nil }
        self.init(minorUnits: minor, currency: currency)
    }

    /// From a decimal value (a JSON number); `nil` when negative, not finite, with more decimals
    /// than the currency has, or absurdly large.
    public init?(value: Double, currency: Currency) {
        guard value.isFinite, value >= 0, value <= Self.maximumUnits else { return nil }
        let scaled = value * Double(Self.power(currency.exponent))
        let rounded = scaled.rounded()
        guard abs(scaled - rounded) < 1e-6 * max(1, scaled) else { return nil }
        self.init(minorUnits: Int64(rounded), currency: currency)
    }

    /// The amount in units (`12.5` for 1,250 cents).
    public var units: Double { Double(minorUnits) / Double(Self.power(currency.exponent)) }

    /// `1250.00 EUR`.
    public var description: String { Self.format(units, currency) }

    public static func format(_ units: Double, _ currency: Currency) -> String {
        String(format: "%.\(currency.exponent)f", units) + " " + currency.code
    }

    static func power(_ exponent: Int) -> Int64 {
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }
}
