/// A long read delivered page by page: every page is one short read of the store, so a scan of
/// millions of rows holds no transaction open between pages, never blocks the caller's executor,
/// and stops as soon as the caller stops iterating (or its task is cancelled).
///
/// ```swift
/// for try await page in store.posts(workspace: "default") {
///     for post in page { counts[post.platform, default: 0] += 1 }
/// }
/// // or, element by element:
/// try await store.posts(workspace: "default").forEach { post in … }
/// ```
///
/// A backend builds one from a function that reads the first page and says how to read the next
/// (keyset pagination: "rows after the last one seen"), so no cursor type leaks out of it.
public struct PagedScan<Row: Sendable>: AsyncSequence, Sendable {
    public typealias Element = [Row]

    /// One page and the read that gives the next one (`nil` at the end).
    public struct Page: Sendable {
        public var rows: [Row]
        public var next: (@Sendable () async throws -> Page)?

        public init(rows: [Row], next: (@Sendable () async throws -> Page)?) {
            self.rows = rows
            self.next = next
        }
    }

    private let first: @Sendable () async throws -> Page

    public init(first: @escaping @Sendable () async throws -> Page) {
        self.first = first
    }

    /// A scan of rows already in memory, as one page.
    public init(_ rows: [Row]) {
        first = { Page(rows: rows, next: nil) }
    }

    /// A scan that reads pages of about `pageSize` rows after a position: `read(position, limit)`
    /// returns the rows and the position to continue after, `nil` when there are no more rows
    /// (typically when fewer than `limit` rows came back).
    public static func keyset<Position: Sendable>(
        from start: Position, pageSize: Int,
        read: @escaping @Sendable (_ after: Position, _ limit: Int) async throws -> (rows: [Row], last: Position?)
    ) -> PagedScan {
        @Sendable func page(after position: Position) async throws -> Page {
            let (rows, last) = try await read(position, pageSize)
            guard let last else { return Page(rows: rows, next: nil) }
            return Page(rows: rows, next: { try await page(after: last) })
        }
        return PagedScan(first: { try await page(after: start) })
    }

    /// A scan that first prepares what every page needs (an id lookup, a table built once):
    /// `make` runs when the first page is asked for.
    public static func deferred(_ make: @escaping @Sendable () async throws -> PagedScan) -> PagedScan {
        PagedScan(first: { try await make().first() })
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var pending: (@Sendable () async throws -> Page)?

        public mutating func next() async throws -> [Row]? {
            while let read = pending {
                try Task.checkCancellation()
                let page = try await read()
                pending = page.next
                if !page.rows.isEmpty || pending == nil { return page.rows.isEmpty ? nil : page.rows }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pending: first) }

    /// Calls `body` with every row, in order.
    public func forEach(_ body: (Row) throws -> Void) async throws {
        for try await page in self {
            for row in page { try body(row) }
        }
    }

    /// Every row, in order (for scans known to be small).
    public func collect() async throws -> [Row] {
        var rows: [Row] = []
        for try await page in self { rows += page }
        return rows
    }

    /// The same scan with each row transformed.
    public func map<Other: Sendable>(_ transform: @escaping @Sendable (Row) throws -> Other) -> PagedScan<Other> {
        @Sendable func convert(_ page: Page) throws -> PagedScan<Other>.Page {
            let rows = try page.rows.map(transform)
            guard let next = page.next else { return PagedScan<Other>.Page(rows: rows, next: nil) }
            let read: @Sendable () async throws -> PagedScan<Other>.Page = {
                let page = try await next()
                return try convert(page)
            }
            return PagedScan<Other>.Page(rows: rows, next: read)
        }
        let first = self.first
        return PagedScan<Other>(first: {
            let page = try await first()
            return try convert(page)
        })
    }

    /// The same scan with each row transformed, the rows giving `nil` left out.
    public func compactMap<Other: Sendable>(_ transform: @escaping @Sendable (Row) throws -> Other?) -> PagedScan<Other> {
        @Sendable func convert(_ page: Page) throws -> PagedScan<Other>.Page {
            let rows = try page.rows.compactMap(transform)
            guard let next = page.next else { return PagedScan<Other>.Page(rows: rows, next: nil) }
            return PagedScan<Other>.Page(rows: rows, next: { try convert(try await next()) })
        }
        let first = self.first
        return PagedScan<Other>(first: { try convert(try await first()) })
    }
}
