import ArgumentParser
import Foundation

/// Benchmark-only modes: reference computations that benchmarks compare the shipped commands
/// with, and timed loops. Not shipped as `vigie` subcommands; scripts/bench-* call them.
@main
struct VigieBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie-bench",
        abstract: "Benchmark modes of Vigie (reference computations and timed loops).",
        subcommands: [
            QueryCommand.self,
            TrustScoreCommand.self,
            StoreFloorCommand.self,
        ]
    )
}
