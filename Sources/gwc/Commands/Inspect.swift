import ArgumentParser
import Foundation
import GatewayCompiler
import GatewayIR

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a route table's header, checksum, section sizes and contents.",
        discussion: "With --verify only verify: exit 0 when the table is sound, 2 when it is not.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "A table written by gwc build.")
    var table: String

    @Option(name: .shortAndLong, help: "text or json.")
    var format: Format = .text

    @Flag(help: "Only verify the table.")
    var verify = false

    func run() throws {
        let opened: RouteTable
        do {
            opened = try RouteTable.open(path: table)
        } catch {
            StandardError.write("gwc inspect: \(table): \(error)\n")
            throw ExitCode(2)
        }
        if verify {
            print("\(table): ok (\(opened.size) bytes, crc32c \(String(format: "%08x", opened.checksum)))")
            return
        }
        switch format {
        case .text: print(TableInspector.text(opened, path: table), terminator: "")
        case .json: print(JSONWriter.write(TableInspector.json(opened)))
        }
    }
}
