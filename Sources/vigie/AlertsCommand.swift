import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery
import VigieEngine

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "Alert rules (spike, weak signal, sentiment shift), what they fired, and webhook deliveries.",
        discussion: """
            A rule watches a watch, a query or every post. `vigie alerts run` evaluates every rule, \
            stores what fires (each event once) with its explanation and POSTs it as JSON to the \
            rule's webhook, retrying with exponential backoff; every attempt goes to the delivery \
            log. Deliveries run in parallel (--concurrency) and a receiver that keeps failing is left \
            alone for a while (circuit breaker), so one slow receiver does not hold the others. The \
            payload format is in docs/trends-and-alerts.md.
            """,
        subcommands: [AlertsListCommand.self, AlertsAddCommand.self, AlertsRemoveCommand.self, AlertsTestCommand.self,
                      AlertsRunCommand.self, AlertsFiredCommand.self, AlertsDeliveriesCommand.self],
        defaultSubcommand: AlertsListCommand.self
    )
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the alert rules.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let engine = try store.engine()
        let rules = try await engine.alertRules()
        if json {
            print(try Output.json(rules))
            return
        }
        if rules.isEmpty {
            print("No alert rule in workspace '\(engine.workspace)'. Add one with: vigie alerts add NAME --query Q --kind spike --webhook URL")
            return
        }
        print(Output.table(["name", "kind", "target", "settings", "webhook", "enabled"], rules.map { rule in
            [rule.name, rule.kind.rawValue, rule.target.description, AlertsAddCommand.describe(rule), rule.webhookURL ?? "-",
             rule.enabled ? "yes" : "no"]
        }))
    }
}

struct AlertsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add an alert rule.",
        discussion: """
            Examples: vigie alerts add velo-spike --query '#velo OR cyclisme' --kind spike --persistence 3 \
            --webhook http://127.0.0.1:8080/hook; vigie alerts add new-tags --all --kind weak-signal --min-score 12
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var target: TargetOptions

    @Argument(help: "The rule's name (letters, digits, '-', '_', '.').")
    var name: String

    @Option(help: "spike, weak-signal or sentiment-shift.")
    var kind: String

    @Option(help: ArgumentHelp("Where fired alerts are POSTed as JSON (http or https).", valueName: "url"))
    var webhook: String?

    /// Spike rules' settings (the same options as `vigie trends spikes`).
    @OptionGroup var spike: SpikeCLIOptions

    @Option(help: "Weak-signal rules: minimum significance.")
    var minScore: Double = AlertSettings().minimumSignalScore

    @Option(help: ArgumentHelp("Weak-signal and sentiment rules: the recent window (default 6h and 1d).", valueName: "duration"))
    var window: String?

    @Option(help: ArgumentHelp("Sentiment rules: minimum change of a label's share (0.15 = 15 points).", valueName: "share"))
    var minChange: Double = SentimentShiftOptions().minimumChange

    @Option(help: ArgumentHelp("Spike rules fire for spikes that fired within this long before the evaluation.", valueName: "duration"))
    var lookback: String = "1d"

    func makeRule() throws -> AlertRule {
        guard let kind = AlertRule.Kind(rawValue: kind) else {
            throw ValidationError("--kind '\(kind)' is unknown: use spike, weak-signal or sentiment-shift.")
        }
        var settings = AlertSettings()
        settings.bucket = try spike.bucketWidth()
        settings.lookback = try duration(lookback, option: "--lookback")!
        settings.spike = try spike.options()
        settings.minimumSignalScore = minScore
        settings.sentiment.minimumChange = minChange
        if let window = try duration(window, option: "--window") {
            settings.signal.window = window
            settings.sentiment.window = window
        }
        let rule = AlertRule(name: name, target: target.target, kind: kind, settings: settings, webhookURL: webhook)
        do { try rule.validate() } catch { throw ValidationError("\(error).") }
        return rule
    }

    func validate() throws { _ = try makeRule() }

    func run() async throws {
        let rule = try makeRule()
        try await store.engine().addAlertRule(rule)
        print("Added \(rule.kind.rawValue) rule '\(rule.name)' on \(rule.target) (\(Self.describe(rule)))"
              + (rule.webhookURL.map { "; webhook \($0)" } ?? "; no webhook: alerts are stored only"))
    }

    static func describe(_ rule: AlertRule) -> String {
        let s = rule.settings
        switch rule.kind {
        case .spike:
            return "bucket \(TrendDuration.format(s.bucket)), z ≥ \(s.spike.threshold), ×\(s.spike.minimumRatio), "
                + "≥ \(s.spike.minimumCount) posts, persistence \(s.spike.persistence)"
        case .weakSignal:
            return "score ≥ \(s.minimumSignalScore), window \(TrendDuration.format(s.signal.window))"
        case .sentimentShift:
            return "±\(Int(s.sentiment.minimumChange * 100)) points, z ≥ \(s.sentiment.minimumZ), window \(TrendDuration.format(s.sentiment.window))"
        }
    }
}

struct AlertsRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a rule with its fired alerts and delivery log.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The rule's name.")
    var name: String

    func run() async throws {
        try await store.engine(mustExist: true).removeAlertRule(named: name)
        print("Removed alert '\(name)'.")
    }
}

/// Options of the commands that evaluate and deliver.
struct DeliveryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Evaluate as of this time (default: the newest post of the target).", valueName: "date"))
    var at: String?

    @Flag(help: "Store what fires but do not call webhooks.")
    var noDeliver = false

    @Option(help: "Delivery attempts per alert.")
    var attempts: Int = RetryPolicy().maximumAttempts

    @Option(help: ArgumentHelp("Seconds allowed per attempt (at least 1).", valueName: "seconds"))
    var timeout: Double = RetryPolicy().timeout

    @Option(help: ArgumentHelp("Seconds before the second attempt; each later one doubles it.", valueName: "seconds"))
    var backoff: Double = RetryPolicy().initialDelay

    @Option(help: ArgumentHelp("Alerts delivered at once (1 to 64), so a slow receiver does not hold the others.", valueName: "n"))
    var concurrency: Int = RetryPolicy().concurrency

    var policy: RetryPolicy {
        RetryPolicy(maximumAttempts: attempts, initialDelay: backoff, maximumDelay: max(60, backoff), timeout: timeout,
                    concurrency: concurrency)
    }

    func validate() throws {
        do { try policy.validate() } catch { throw ValidationError("\(error).") }
        _ = try date(at, option: "--at")
    }

    func request() throws -> AlertRunRequest {
        AlertRunRequest(at: try date(at, option: "--at"), deliver: !noDeliver, policy: policy)
    }

    /// The HTTP transport, unless delivery is off.
    var transport: (any WebhookTransport)? { noDeliver ? nil : WebhookSender() }
}

/// How evaluation outcomes and deliveries are printed.
enum AlertText {
    static func print(_ outcome: AlertRunner.Outcome) {
        Swift.print("\(outcome.rule) as of \(DateParsing.iso8601(outcome.at)): \(outcome.fired.count) fired"
                    + (outcome.alreadyFired > 0 ? ", \(outcome.alreadyFired) already fired before (not sent again)" : ""))
        for alert in outcome.fired { Swift.print("- \(alert.summary)") }
        for delivery in outcome.deliveries { printDelivery(delivery) }
    }

    static func printDelivery(_ delivery: AlertRunner.Delivery) {
        let last = delivery.attempts.last
        let status = delivery.delivered
            ? "delivered (HTTP \(last?.statusCode ?? 0)) after \(delivery.attempts.count) attempt\(delivery.attempts.count == 1 ? "" : "s")"
            : "NOT delivered after \(delivery.attempts.count) attempts: \(last?.error ?? "unknown error")"
        Swift.print("  webhook \(last?.url ?? "?"): \(status)")
    }
}

struct AlertsTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Evaluate one rule now and deliver what fires, marked \"test\": true.",
        discussion: "What fires is stored like any alert, so `vigie alerts run` will not send it again."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var delivery: DeliveryOptions

    @Argument(help: "The rule's name.")
    var name: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let outcome = try await store.engine(mustExist: true)
            .testAlert(named: name, try delivery.request(), transport: delivery.transport)
        if json {
            print(try Output.json(outcome))
        } else {
            AlertText.print(outcome)
            if outcome.fired.isEmpty { print("Nothing fires for this rule as of then; the webhook was not called.") }
        }
        if outcome.deliveries.contains(where: { !$0.delivered }) { throw ExitCode(2) }
    }
}

struct AlertsRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Evaluate every enabled rule, deliver what fires, and retry earlier undelivered alerts."
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var delivery: DeliveryOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let engine = try store.engine(mustExist: true)
        let result = try await engine.runAlerts(try delivery.request(), transport: delivery.transport)
        if json {
            struct Result: Encodable { var outcomes: [AlertRunner.Outcome]; var retried: [AlertRunner.Delivery]; var skipped: [String] }
            print(try Output.json(Result(outcomes: result.outcomes, retried: result.retried, skipped: result.skipped)))
        } else {
            if result.outcomes.isEmpty && result.skipped.isEmpty { print("No enabled alert rule in workspace '\(engine.workspace)'.") }
            result.outcomes.forEach(AlertText.print)
            for line in result.skipped { print("skipped \(line)") }
            if !result.retried.isEmpty { print("Retried \(result.retried.count) undelivered alert\(result.retried.count == 1 ? "" : "s"):") }
            result.retried.forEach(AlertText.printDelivery)
        }
        if result.hasFailedDelivery || !result.skipped.isEmpty { throw ExitCode(2) }
    }
}

struct AlertsFiredCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fired", abstract: "Alerts that fired, newest first, with their explanation.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Only this rule's.")
    var name: String?

    @Option(help: "How many to show.")
    var limit = 20

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let alerts = try await store.engine().firedAlerts(rule: name, limit: limit)
        if json {
            print(try Output.json(alerts.map(\.alert)))
            return
        }
        if alerts.isEmpty { print("No alert has fired\(name.map { " for '\($0)'" } ?? "").") }
        for stored in alerts {
            let state = stored.webhookURL == nil ? "stored only" : stored.delivered ? "delivered" : "not delivered"
            print("\(DateParsing.iso8601(stored.alert.observedAt))  \(stored.alert.rule)  \(stored.alert.kind.rawValue)  [\(state)]")
            print("    \(stored.alert.summary)")
        }
    }
}

struct AlertsDeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliveries", abstract: "The webhook delivery log: each attempt, its status or error.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Only this rule's.")
    var name: String?

    @Option(help: "How many attempts to show.")
    var limit = 50

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let log = try await store.engine().alertDeliveries(rule: name, limit: limit)
        if json {
            print(try Output.json(log))
            return
        }
        if log.isEmpty {
            print("No delivery attempt yet.")
            return
        }
        print(Output.table(["time", "rule", "alert", "attempt", "status", "error", "ms", "delivered"], log.map { record in
            let a = record.attempt
            return [DateParsing.iso8601(a.at), record.rule, record.key, String(a.attempt), a.statusCode.map(String.init) ?? "-",
                    a.error ?? "", String(a.durationMillis), a.delivered ? "yes" : "no"]
        }))
    }
}
