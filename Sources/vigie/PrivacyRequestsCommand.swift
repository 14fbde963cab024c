import ArgumentParser
import Foundation
import VigieCore
import VigieEngine

struct PrivacyRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "Track data subjects' requests: requester, identity check, one-month deadline, state and answer.",
        discussion: """
            A request is recorded when it arrives (`add`), its requester's identity is checked \
            (`verify`: nothing is answered before), and it is answered by `vigie privacy export \
            --request ID` (access) or `vigie privacy erase --request ID` (erasure, objection), which \
            complete it with the export's digest or the erasure receipt; `close` completes or refuses \
            one by hand. `list` warns about open requests due within --warn-days days, or late.
            """,
        subcommands: [List.self, Add.self, Show.self, Verify.self, Close.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List requests; warn about deadlines.")

        @OptionGroup var store: StoreOptions

        @Flag(help: "Only the requests still to answer.")
        var open = false

        @Option(help: ArgumentHelp("Warn about open requests due within this many days.", valueName: "days"))
        var warnDays = 7

        @Option(help: ArgumentHelp("At most this many.", valueName: "n"))
        var limit = 100

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let list = try await store.engine(readOnly: true, mustExist: true)
                .privacyRequests(PrivacyRequestFilter(openOnly: open, limit: limit), warningDays: warnDays)
            if json {
                print(try Output.json(list))
            } else if list.requests.isEmpty {
                print("no \(open ? "open " : "")request in workspace \(list.workspace)")
            } else {
                let now = Date()
                print(Output.table(["id", "kind", "state", "received", "due", "left", "subject", "requester"], list.requests.map {
                    [String($0.id), $0.kind.rawValue, $0.state.rawValue, PrivacyRequestsCommand.day($0.receivedAt),
                     PrivacyRequestsCommand.day($0.dueAt), $0.state.isOpen ? PrivacyRequestsCommand.left($0, now: now) : "—",
                     $0.subject, $0.requester]
                }))
            }
            PrivacyRequestsCommand.warn(list.needingAttention)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a request as it arrives.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("access, erasure, objection or rectification.", valueName: "kind"))
        var kind: PrivacyRequest.Kind

        @Option(help: ArgumentHelp("The person: PLATFORM:ID (twitter:12345) or @handle.", valueName: "subject"))
        var subject: String

        @Option(help: ArgumentHelp("Who asks and how to answer them (name and address).", valueName: "text"))
        var requester: String

        @Option(help: ArgumentHelp("How the identity was verified, when it already was.", valueName: "text"))
        var identityCheck: String?

        @Option(help: ArgumentHelp("When it was received (YYYY-MM-DD; default now): the deadline counts from it.", valueName: "date"))
        var received: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            var receivedAt: Date?
            if let received {
                guard let date = DateParsing.parse(received) else {
                    throw ValidationError("--received '\(received)' is not a date: use YYYY-MM-DD or an ISO 8601 time.")
                }
                receivedAt = date
            }
            let engine = try store.engine()
            let request = try await engine.addPrivacyRequest(NewPrivacyRequest(
                kind: kind, subject: subject, requester: requester, identityCheck: identityCheck, receivedAt: receivedAt))
            if json {
                print(try Output.json(request))
                return
            }
            print("request \(request.id) (\(request.kind.rawValue)) recorded in workspace \(engine.workspace); "
                  + "due \(PrivacyRequestsCommand.day(request.dueAt))")
            print(PrivacyRequestsCommand.nextStep(request))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one request and its answer.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The request's id.", valueName: "id"))
        var id: Int64

        @Flag(help: "Print JSON.")
        var json = false

        func run() async throws {
            let request = try await store.engine(readOnly: true, mustExist: true).privacyRequest(id)
            if json {
                print(try Output.json(request))
                return
            }
            let rows: [[String]] = [
                ["kind", request.kind.rawValue], ["state", request.state.rawValue], ["subject", request.subject],
                ["requester", request.requester], ["identity check", request.identityCheck ?? "not verified yet"],
                ["received", DateParsing.iso8601(request.receivedAt)], ["due", DateParsing.iso8601(request.dueAt)],
                ["exported", request.exportedAt.map(DateParsing.iso8601) ?? "—"], ["export SHA-256", request.exportDigest ?? "—"],
                ["erasure receipt", request.erasureReceipt.map(String.init) ?? "—"],
                ["closed", request.closedAt.map(DateParsing.iso8601) ?? "—"], ["note", request.note ?? "—"],
                ["recorded by", request.actor],
            ]
            print(Output.table(["request \(request.id)", ""], rows))
            if request.state.isOpen { print(PrivacyRequestsCommand.nextStep(request)) }
            PrivacyRequestsCommand.warn([request].filter { $0.needsAttention(now: Date(), withinDays: 7) })
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Record how the requester's identity was checked (then it may be answered).")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The request's id.", valueName: "id"))
        var id: Int64

        @Option(help: ArgumentHelp("How the identity was verified.", valueName: "text"))
        var identityCheck: String

        func run() async throws {
            let request = try await store.engine(mustExist: true).verifyPrivacyRequest(id, identityCheck: identityCheck)
            print("request \(request.id): identity verified")
            print(PrivacyRequestsCommand.nextStep(request))
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close", abstract: "Complete a request answered by hand, or refuse one, with a note.")

        @OptionGroup var store: StoreOptions

        @Argument(help: ArgumentHelp("The request's id.", valueName: "id"))
        var id: Int64

        @Option(help: ArgumentHelp("What was done, or why it is refused (kept with the request).", valueName: "text"))
        var note: String

        @Flag(help: "Refuse the request instead of completing it.")
        var refused = false

        func run() async throws {
            let request = try await store.engine(mustExist: true).closePrivacyRequest(id, refused: refused, note: note)
            print("request \(request.id): \(request.state.rawValue)")
        }
    }

    static func day(_ date: Date) -> String { String(DateParsing.iso8601(date).prefix(10)) }

    static func left(_ request: PrivacyRequest, now: Date) -> String {
        let days = request.daysLeft(now: now)
        return days < 0 ? "\(-days) days late" : "\(days) days"
    }

    static func nextStep(_ request: PrivacyRequest) -> String {
        guard request.identityCheck != nil else {
            return "next: check who asks, then `vigie privacy requests verify \(request.id) --identity-check \"how\"`"
        }
        switch request.kind {
        case .access: return "next: `vigie privacy export --request \(request.id) --json-file … --html-file …`"
        case .erasure, .objection: return "next: `vigie privacy erase --request \(request.id)`"
        case .rectification: return "next: answer it, then `vigie privacy requests close \(request.id) --note \"what was done\"`"
        }
    }

    /// On standard error, so that a listing piped elsewhere still shows them on the terminal.
    static func warn(_ requests: [PrivacyRequest]) {
        let now = Date()
        for request in requests {
            let days = request.daysLeft(now: now)
            let when = days < 0 ? "was due \(day(request.dueAt)) (\(-days) days late)" : "is due \(day(request.dueAt)) (in \(days) days)"
            Output.printError("warning: request \(request.id) (\(request.kind.rawValue), \(request.state.rawValue)) \(when)")
        }
    }
}

extension PrivacyRequest.Kind: ExpressibleByArgument {}
