import Crypto
import Foundation
import Synchronization

/// The visitor key of a click: HMAC-SHA-256 of (address, user agent, link) under a random salt of
/// the UTC day. The salts live in this process's memory only and each is dropped once its day is
/// two days old, so a key can be recomputed (to count a visitor once, or to attribute a
/// conversion) for 48 hours at most; after that nobody, Vigie included, can tell whose it was.
///
/// ```swift
/// let keys = VisitorKeys()
/// let key = keys.key(address: "203.0.113.9", userAgent: agent, code: "aZ3k9QpL0x", at: Date())
/// ```
public final class VisitorKeys: Sendable {
    private let salts = Mutex<[Int64: SymmetricKey]>([:])

    public init() {}

    /// The UTC day number of `date`.
    public static func day(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// 32 hexadecimal digits. The address is used here and nowhere else.
    public func key(address: String, userAgent: String, code: String, at date: Date) -> String {
        let salt = salt(day: Self.day(date))
        var message = Data()
        message.append(contentsOf: address.utf8)
        message.append(0)
        message.append(contentsOf: userAgent.utf8.prefix(ClickClassifierLimits.userAgentBytes))
        message.append(0)
        message.append(contentsOf: code.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: salt)
        var hex: [UInt8] = []
        hex.reserveCapacity(32)
        for byte in mac.prefix(16) {
            hex.append(Self.hexDigits[Int(byte >> 4)])
            hex.append(Self.hexDigits[Int(byte & 15)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// How many salts are held (at most two: today's and yesterday's).
    public var saltCount: Int { salts.withLock { $0.count } }

    /// Forgets the salts of days before yesterday (also done on every key).
    public func dropExpired(now: Date) {
        let today = Self.day(now)
        salts.withLock { table in table = table.filter { $0.key >= today - 1 } }
    }

    private func salt(day: Int64) -> SymmetricKey {
        salts.withLock { table in
            if let salt = table[day] { return salt }
            table = table.filter { $0.key >= day - 1 }
            let salt = SymmetricKey(size: .bits256)
            table[day] = salt
            return salt
        }
    }
}

enum ClickClassifierLimits {
    /// Bytes of a user agent that enter the key (a longer one is cut, as the classifier cuts it).
    static let userAgentBytes = 512
}
