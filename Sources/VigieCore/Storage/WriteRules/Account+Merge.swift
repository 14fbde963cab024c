import Foundation

extension Account {
    /// Field-by-field merge of a stored account with an incoming record of it: a `nil` never
    /// erases a known value, and when both sides know a field the more recent observation
    /// (`observedAt`; an import-time stamp ranks below any real date, above none); on a tie the
    /// later arrival wins, so an account record corrects the handle a post gave its stub.
    ///
    /// ```swift
    /// let merged = stored.merged(with: incoming)
    /// if merged != stored { /* update, and keep incoming.metricSnapshot if any */ }
    /// ```
    public func merged(with incoming: Account) -> Account {
        func rank(_ account: Account) -> (Int, Date) {
            guard let date = account.observedAt else { return (0, .distantPast) }
            return (account.observedAtIsImportTime == true ? 1 : 2, date)
        }
        let incomingIsNewer = rank(incoming) >= rank(self)
        func pick<T>(_ stored: T?, _ new: T?) -> T? {
            incomingIsNewer ? (new ?? stored) : (stored ?? new)
        }
        var result = self
        result.handle = pick(handle, incoming.handle)
        result.displayName = pick(displayName, incoming.displayName)
        result.bio = pick(bio, incoming.bio)
        result.createdAt = pick(createdAt, incoming.createdAt)
        result.followers = pick(followers, incoming.followers)
        result.following = pick(following, incoming.following)
        result.postsCount = pick(postsCount, incoming.postsCount)
        result.listedCount = pick(listedCount, incoming.listedCount)
        result.verified = pick(verified, incoming.verified)
        result.declaredBot = pick(declaredBot, incoming.declaredBot)
        result.defaultProfileImage = pick(defaultProfileImage, incoming.defaultProfileImage)
        result.location = pick(location, incoming.location)
        result.url = pick(url, incoming.url)
        result.isPrivate = pick(isPrivate, incoming.isPrivate)
        result.status = pick(status, incoming.status)
        result.observedAt = pick(observedAt, incoming.observedAt)
        result.observedAtIsImportTime = result.observedAt == nil ? nil
            : (incomingIsNewer && incoming.observedAt != nil ? incoming.observedAtIsImportTime : observedAtIsImportTime)
        // Re-importing the same undated record later changes nothing: only its import stamp would move.
        if incoming.observedAtIsImportTime == true && observedAt != nil {
            var unstamped = result
            unstamped.observedAt = observedAt
            unstamped.observedAtIsImportTime = observedAtIsImportTime
            if unstamped == self { return self }
        }
        return result
    }

    /// The counts a store keeps in the account's history (``MetricSnapshot``) when this record
    /// is stored or changes the account: only a dated record with at least one count gives one.
    public var metricSnapshot: MetricSnapshot? {
        guard let observedAt, followers != nil || following != nil || postsCount != nil else { return nil }
        return MetricSnapshot(at: observedAt, followers: followers, following: following, postsCount: postsCount)
    }
}
