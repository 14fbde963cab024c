import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

/// The period every graph command reads: `--since` and `--until`.
struct GraphOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only interactions and posts from this date on (e.g. 2024-01-01).", valueName: "date"))
    var since: String?

    @Option(help: ArgumentHelp("Only interactions and posts before this date.", valueName: "date"))
    var until: String?

    func validate() throws {
        for (flag, value) in [("--since", since), ("--until", until)] {
            if let value, DateParsing.parse(value) == nil {
                throw ValidationError("\(flag) '\(value)' is not a date: use 2024-01-31 or 2024-01-31T12:00:00Z.")
            }
        }
        if let range = period.timeRange, range.isEmpty {
            throw ValidationError("--since must be before --until.")
        }
    }

    var period: GraphPeriod {
        GraphPeriod(since: since.flatMap(DateParsing.parse), until: until.flatMap(DateParsing.parse))
    }
}

/// The `--timings` display: one line per step on standard error.
enum Timings {
    static func print(_ timings: [StepTiming]) {
        for timing in timings {
            Output.printError(String(format: "%@: %.3fs", timing.step, timing.seconds))
        }
    }
}
