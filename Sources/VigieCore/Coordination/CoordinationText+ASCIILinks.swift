import Foundation

/// The fast path of ``CoordinationText/normalizedURL(_:)``: an ASCII link without surrounding
/// whitespace (the common case) normalised on its bytes. Going through Foundation (trimming,
/// substring search) was a seventh of extracting weak-signal items. Anything else (non-ASCII,
/// whitespace at either end, a query parameter starting with `=`) is left to the general version,
/// so the result is always the same (`LinkNormalizationTests` compares both).
extension CoordinationText {
    /// `.none` (`nil` outer) when the general version must decide; otherwise the result.
    static func asciiNormalizedURL(_ raw: String) -> String?? {
        var copy = raw
        return copy.withUTF8 { bytes -> String?? in
            guard let first = bytes.first, let last = bytes.last, !isSpace(first), !isSpace(last) else { return .none }
            for byte in bytes where byte >= 0x80 { return .none }
            return normalizedASCII(bytes)
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// The general version's steps on ASCII bytes; `.none` for a parameter that starts with `=`
    /// (the general version's split drops that empty name): the caller then falls back.
    private static func normalizedASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> String?? {
        var start = 0
        var end = bytes.count
        // Scheme: everything up to the first "://".
        if bytes.count >= 3 {
            for index in 0..<(bytes.count - 2) where bytes[index] == 0x3A && bytes[index + 1] == 0x2F && bytes[index + 2] == 0x2F {
                start = index + 3
                break
            }
        }
        if let hash = (start..<end).first(where: { bytes[$0] == 0x23 }) { end = hash }
        var query = end..<end
        if let mark = (start..<end).first(where: { bytes[$0] == 0x3F }) {
            query = (mark + 1)..<end
            end = mark
        }
        let slash = (start..<end).first(where: { bytes[$0] == 0x2F }) ?? end
        var hostStart = start
        if let at = (start..<slash).last(where: { bytes[$0] == 0x40 }) { hostStart = at + 1 }
        var host = [UInt8]()
        host.reserveCapacity(slash - hostStart)
        for index in hostStart..<slash {
            let byte = bytes[index]
            host.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        if host.count >= 4, host[0] == 0x77, host[1] == 0x77, host[2] == 0x77, host[3] == 0x2E { host.removeFirst(4) }
        guard !host.isEmpty else { return .some(nil) }
        var pathEnd = end
        while pathEnd > slash, bytes[pathEnd - 1] == 0x2F { pathEnd -= 1 }
        var result = host
        result.append(contentsOf: bytes[slash..<pathEnd])
        // Parameters separated by "&" (empty ones dropped), tracking ones left out.
        var kept = 0
        var parameterStart = query.lowerBound
        var index = query.lowerBound
        while index <= query.upperBound, !query.isEmpty {
            if index == query.upperBound || bytes[index] == 0x26 {
                if index > parameterStart {
                    if bytes[parameterStart] == 0x3D { return .none }
                    let nameEnd = (parameterStart..<index).first(where: { bytes[$0] == 0x3D }) ?? index
                    if !isTracking(bytes, parameterStart, nameEnd) {
                        result.append(kept == 0 ? 0x3F : 0x26)
                        result.append(contentsOf: bytes[parameterStart..<index])
                        kept += 1
                    }
                }
                parameterStart = index + 1
            }
            index += 1
        }
        return .some(String(decoding: result, as: UTF8.self))
    }

    private static func isTracking(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let name = String(decoding: bytes[start..<end].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        return name.hasPrefix("utm_") || trackingParameters.contains(name)
    }
}
