import ArgumentParser
import Foundation
import GatewayCompiler

/// Options shared by commands that read manifests.
struct InputOptions: ParsableArguments {
    @Option(help: "Namespace for objects that name none.")
    var namespace = "default"

    @Option(name: .customLong("gateway-class"), help: "A GatewayClass name to treat as agentgateway's (repeatable).")
    var gatewayClasses: [String] = []

    var lintOptions: LintOptions {
        var options = LintOptions()
        options.defaultNamespace = namespace
        options.gatewayClassNames.formUnion(gatewayClasses)
        options.environment = ProcessInfo.processInfo.environment
        return options
    }
}

enum StandardError {
    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
