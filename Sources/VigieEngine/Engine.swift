import VigieCore

/// Vigie's use cases as one value: every capability is an `async` operation on `any` ``Store``,
/// so the CLI, the HTTP server and live connectors call the same code.
///
/// ```swift
/// let engine = Engine(store: try SQLiteStore(path: "vigie.sqlite"),
///                     configuration: EngineConfiguration(workspace: "client-a"))
/// let page = try await engine.query(QueryRequest(text: "velo OR cyclisme lang:fr"))
/// let dashboard = try await engine.dashboards(DashboardRequest(watches: ["velo"]))
/// ```
///
/// Operations are grouped by pipeline stage in this target's folders (`Ingest/`, `Listening/`,
/// `Trends/`, `Alerts/`, `Influence/`, `Trust/`, `Coordination/`, `Text/`); each takes a request
/// value whose fields all have defaults and returns a result value that front ends print or
/// encode. Errors are ``EngineError``s (or the core's ``StoreError``, ``QueryError``,
/// ``WatchError``), worded without any front end's vocabulary.
public struct Engine: Sendable {
    public let store: any Store
    public let configuration: EngineConfiguration

    public init(store: any Store, configuration: EngineConfiguration = EngineConfiguration()) {
        self.store = store
        self.configuration = configuration
    }

    /// The workspace every operation reads and writes.
    public var workspace: String { configuration.workspace }

    /// The language data and models the analyses load, located from the configuration.
    public var resources: Resources { Resources(configuration: configuration) }
}
