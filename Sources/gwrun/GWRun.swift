import ArgumentParser

/// `gwrun` serves a table (`serve`, the default) and reads its audit log (`audit`).
struct GWRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwrun",
        abstract: "Serve a route table compiled by gwc build, and check its audit log.",
        subcommands: [Serve.self, Audit.self],
        defaultSubcommand: Serve.self)
}
