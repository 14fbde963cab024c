import Foundation
import Logging
import ServiceLifecycle
import VigieCore
import VigieEngine

/// Brings every watch up to date with the live data and evaluates the alert rules on a fixed
/// schedule, delivering what fires to the rules' webhooks (each event once, with its
/// authenticity breakdown). Circuit breakers persist from one run to the next, so a receiver
/// that keeps failing is left alone for its cool-down.
///
/// Ticks are counted from the start of the previous run: an alert reaches its webhook at most
/// one interval (plus the evaluation and the delivery) after the post that completes it is stored.
///
/// ```swift
/// let schedule = AlertSchedule(engine: engine, transport: WebhookSender(), interval: .seconds(30), logger: logger)
/// try await ServiceGroup(services: [listener, schedule], logger: logger).run()
/// ```
public struct AlertSchedule: Service {
    public static let defaultInterval = Duration.seconds(30)

    public let engine: Engine
    public let transport: any WebhookTransport
    public let interval: Duration
    public let logger: Logger
    /// Fired to stop after the run in progress (tests, embedding).
    public let stop: StopSignal
    /// Called after each run, with what it did.
    public let onRun: (@Sendable (AlertScheduleRun) -> Void)?

    public init(engine: Engine, transport: any WebhookTransport, interval: Duration = AlertSchedule.defaultInterval,
                logger: Logger, stop: StopSignal = StopSignal(), onRun: (@Sendable (AlertScheduleRun) -> Void)? = nil) {
        self.engine = engine
        self.transport = transport
        self.interval = interval
        self.logger = logger
        self.stop = stop
        self.onRun = onRun
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await loop()
        } onGracefulShutdown: {
            stop.fire()
        }
    }

    private func loop() async {
        let request = AlertRunRequest()
        let breakers = ReceiverBreakers(threshold: request.policy.breakerThreshold, cooldown: request.policy.breakerCooldown)
        var paused = false
        while !stop.isFired, !Task.isCancelled {
            let started = ContinuousClock.now
            var run = AlertScheduleRun(at: Date())
            do {
                run.watchesRefreshed = try await engine.refreshWatches().count
                // Webhook payloads name the accounts behind an alert: none leave while the
                // workspace shows people by pseudonym (an owner may turn it on at any time).
                let pseudonymising = try await engine.pseudonymisationStatus().on
                if pseudonymising != paused {
                    paused = pseudonymising
                    if paused {
                        logger.warning("alerts paused: workspace '\(engine.workspace)' shows people by pseudonym, and webhooks would name them")
                    } else {
                        logger.notice("alerts resumed: workspace '\(engine.workspace)' no longer shows people by pseudonym")
                    }
                }
                if paused {
                    run.skipped = ["alerts paused while the workspace shows people by pseudonym"]
                    run.seconds = (ContinuousClock.now - started).seconds
                    onRun?(run)
                    await stop.sleep(for: interval)
                    continue
                }
                let result = try await engine.runAlerts(request, transport: transport, breakers: breakers)
                run.fired = result.outcomes.flatMap(\.fired)
                run.failedDeliveries = result.outcomes.flatMap(\.deliveries).filter { !$0.delivered }.count
                    + result.retried.filter { !$0.delivered }.count
                run.skipped = result.skipped
                for skipped in result.skipped { logger.warning("alert rule skipped: \(skipped)") }
                for alert in run.fired { logger.info("alert \(alert.rule): \(alert.summary)") }
            } catch is CancellationError {
                return
            } catch {
                run.error = "\(error)"
                logger.warning("alert evaluation failed: \(error); trying again at the next tick")
            }
            run.seconds = (ContinuousClock.now - started).seconds
            onRun?(run)
            let elapsed = ContinuousClock.now - started
            if elapsed < interval { await stop.sleep(for: interval - elapsed) }
        }
    }
}

/// What one scheduled run did.
public struct AlertScheduleRun: Sendable {
    public var at: Date
    public var watchesRefreshed = 0
    public var fired: [FiredAlert] = []
    public var failedDeliveries = 0
    public var skipped: [String] = []
    public var error: String?
    public var seconds = 0.0

    public init(at: Date) {
        self.at = at
    }
}
