import ArgumentParser

@main
struct Vigie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Vigie: influence intelligence — listen, infer, analyse, measure."
    )
}
