import ArgumentParser

@main
struct GWC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gwc",
        abstract: "Check Gateway API, agentgateway and Hermes configuration before rollout.",
        version: "0.1.0",
        subcommands: [Lint.self])
}
