import Hummingbird

/// The routes of the analyses: watches, trends, alerts, influence, trust and coordination. Each
/// is in `Resources/openapi.json` and has a probe in the isolation suite.
extension APIController {
    func addAnalysisRoutes(_ api: RouterGroup<ServerRequestContext>) {
        let w = "workspaces/{workspace}/"
        // Watches: create, remove, dashboards, share of voice.
        workspaceRoute(api, .post, w + "watches", needing: .analyst, action: "changing watches", use: createWatch)
        workspaceRoute(api, .delete, w + "watches/{watch}", needing: .analyst, action: "changing watches", use: deleteWatch)
        workspaceRoute(api, .get, w + "watches/{watch}/dashboard", use: watchDashboard)
        workspaceRoute(api, .get, w + "share-of-voice", use: shareOfVoice)

        // Trends.
        workspaceRoute(api, .get, w + "trends/spikes", use: spikes)
        workspaceRoute(api, .get, w + "trends/weak-signals", use: weakSignals)
        workspaceRoute(api, .get, w + "trends/authenticity", use: authenticity)

        // Alerts.
        workspaceRoute(api, .get, w + "alerts/rules", use: listAlertRules)
        workspaceRoute(api, .post, w + "alerts/rules", needing: .analyst, action: "changing alerts", use: createAlertRule)
        workspaceRoute(api, .get, w + "alerts/rules/{rule}", use: alertRule)
        workspaceRoute(api, .delete, w + "alerts/rules/{rule}", needing: .analyst, action: "changing alerts", use: deleteAlertRule)
        workspaceRoute(api, .get, w + "alerts/fired", use: firedAlerts)
        workspaceRoute(api, .get, w + "alerts/deliveries", use: alertDeliveries)

        // Influence.
        workspaceRoute(api, .get, w + "influencers", use: influencers)
        workspaceRoute(api, .get, w + "influencers/{handle}", use: explainInfluencer)
        workspaceRoute(api, .get, w + "discover", use: discover)
        workspaceRoute(api, .get, w + "communities", use: communities)
        workspaceRoute(api, .get, w + "lookalikes/{handle}", use: lookalikes)
        workspaceRoute(api, .get, w + "graph", use: graphExport)

        // Trust.
        workspaceRoute(api, .get, w + "trust/accounts/{handle}", use: trustScore)
        workspaceRoute(api, .get, w + "trust/report", use: trustReport)

        // Coordination.
        workspaceRoute(api, .get, w + "coordination/clusters", use: coordinationClusters)
    }
}
