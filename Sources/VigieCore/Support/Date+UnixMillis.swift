import Foundation

/// Stores keep timestamps as whole milliseconds since the Unix epoch.
extension Date {
    /// Rounded milliseconds since 1970. Decoders only hand over dates in
    /// `DateParsing.supportedRange`; anything else (a date made in code, `distantFuture`) is
    /// clamped rather than trapping, and NaN gives 0.
    public var unixMillis: Int64 {
        let millis = (timeIntervalSince1970 * 1000).rounded()
        guard millis.isFinite else { return millis.isNaN ? 0 : (millis > 0 ? .max : .min) }
        // 2^63 is exactly representable; every Double below it converts without trapping.
        guard millis < 9_223_372_036_854_775_808.0 else { return .max }
        guard millis >= -9_223_372_036_854_775_808.0 else { return .min }
        return Int64(millis)
    }

    public init(unixMillis: Int64) {
        self.init(timeIntervalSince1970: Double(unixMillis) / 1000)
    }
}
