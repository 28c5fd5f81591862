import Foundation
import GatewayIR

/// Renders a `ConfigDiff` as text (grouped by object, coloured on a terminal), JSON
/// (docs/diff.md) or Markdown for a pull request comment. No secret value reaches any of them:
/// the diff holds only "(hidden)" markers for Secret values.
public enum DiffRenderer {
    public static func text(_ diff: ConfigDiff, colorize: Bool) -> String {
        func paint(_ text: String, _ code: String) -> String { colorize ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        if diff.isEmpty { return "no differences\n" }
        var out = ""
        for object in diff.objects {
            let color = object.change == .added ? "32" : object.change == .removed ? "31" : "33"
            out += paint("\(object.object) (\(object.change.rawValue))", "1;\(color)") + "\n"
            for field in object.fields {
                switch (field.old, field.new) {
                case (nil, let new?): out += "  " + paint("+ \(field.field): \(new)", "32") + "\n"
                case (let old?, nil): out += "  " + paint("- \(field.field): \(old)", "31") + "\n"
                case (_, let new?) where new == "(hidden, changed)": out += "  ~ \(field.field): changed (value not shown)\n"
                case (let old?, let new?): out += "  ~ \(field.field): \(paint(old, "31")) -> \(paint(new, "32"))\n"
                default: break
                }
            }
        }
        if !diff.precedence.isEmpty {
            out += "\n" + paint("Precedence", "1") + "\n"
            for move in diff.precedence {
                out += "  \(move.place): \(move.before.joined(separator: " > ")) -> \(move.after.joined(separator: " > "))\n"
            }
        }
        let requests = diff.traffic.filter { $0.client == nil }, clients = diff.traffic.filter { $0.client != nil }
        if !requests.isEmpty {
            out += "\n" + paint("Traffic that changes", "1") + "\n"
            let width = min(60, requests.map { $0.request.display.count }.max() ?? 0)
            for change in requests {
                out += "  \(change.request.display.padding(toLength: max(width, change.request.display.count), withPad: " ", startingAt: 0))  \(change.before) -> \(paint(change.after, "1"))\n"
                for line in change.impact { out += "    impact: \(line)\n" }
            }
        }
        if !clients.isEmpty {
            out += "\n" + paint("Hermes clients that reach something else", "1") + "\n"
            for change in clients {
                out += "  \(change.client ?? ""): \(change.request.display)  \(change.before) -> \(paint(change.after, "1"))\n"
            }
        }
        if !diff.secretValuesCompared { out += "\nnote: one side is a route table, which holds no secret values; Secret values were not compared\n" }
        out += "\n\(diff.objects.count) object\(diff.objects.count == 1 ? "" : "s") changed, \(requests.count) request\(requests.count == 1 ? "" : "s") and \(clients.count) Hermes client\(clients.count == 1 ? "" : "s") change outcome\n"
        return out
    }

    public static func json(_ diff: ConfigDiff) -> JSONValue {
        let objects: [JSONValue] = diff.objects.map(objectJSON)
        let precedence: [JSONValue] = diff.precedence.map { move in
            let members: [JSONValue.Member] = [
                .init("place", .string(move.place)), .init("before", .array(move.before.map { .string($0) })), .init("after", .array(move.after.map { .string($0) })),
            ]
            return .object(members)
        }
        let traffic: [JSONValue] = diff.traffic.map(trafficJSON)
        let summary: [JSONValue.Member] = [
            .init("objects", .int(diff.objects.count)), .init("requests", .int(diff.traffic.filter { $0.client == nil }.count)),
            .init("hermesClients", .int(diff.traffic.filter { $0.client != nil }.count)), .init("different", .bool(!diff.isEmpty)),
        ]
        let members: [JSONValue.Member] = [
            .init("objects", .array(objects)), .init("precedence", .array(precedence)), .init("traffic", .array(traffic)),
            .init("secretValuesCompared", .bool(diff.secretValuesCompared)), .init("summary", .object(summary)),
        ]
        return .object(members)
    }

    static func objectJSON(_ object: ConfigDiff.ObjectChange) -> JSONValue {
        let fields: [JSONValue] = object.fields.map { field in
            let members: [JSONValue.Member] = [
                .init("field", .string(field.field)), .init("old", field.old.map { JSONValue.string($0) } ?? .null),
                .init("new", field.new.map { JSONValue.string($0) } ?? .null),
            ]
            return .object(members)
        }
        let members: [JSONValue.Member] = [.init("object", .string(object.object)), .init("change", .string(object.change.rawValue)), .init("fields", .array(fields))]
        return .object(members)
    }

    static func trafficJSON(_ change: ConfigDiff.TrafficChange) -> JSONValue {
        let request: [JSONValue.Member] = [
            .init("method", .string(change.request.method)), .init("port", .int(change.request.port)), .init("host", .string(change.request.host)),
            .init("path", .string(change.request.path)), .init("headers", .array(change.request.headers.map { .string($0) })),
            .init("query", .array(change.request.query.map { .string($0) })), .init("gateway", change.request.gateway.map { JSONValue.string($0) } ?? .null),
        ]
        let members: [JSONValue.Member] = [
            .init("client", change.client.map { JSONValue.string($0) } ?? .null), .init("request", .object(request)),
            .init("before", .string(change.before)), .init("after", .string(change.after)), .init("impact", .array(change.impact.map { .string($0) })),
        ]
        return .object(members)
    }

    public static func markdown(_ diff: ConfigDiff) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        if diff.isEmpty { return "### gwc diff\n\nNo differences: the gateway will route every request as before.\n" }
        var out = "### gwc diff\n\n"
        let requests = diff.traffic.filter { $0.client == nil }, clients = diff.traffic.filter { $0.client != nil }
        out += "**\(diff.objects.count)** object\(diff.objects.count == 1 ? "" : "s") changed; **\(requests.count)** request\(requests.count == 1 ? "" : "s") and **\(clients.count)** Hermes client\(clients.count == 1 ? "" : "s") change outcome.\n\n"
        if !requests.isEmpty {
            out += "#### Traffic that changes\n\n| request | before | after | impact |\n|---|---|---|---|\n"
            for change in requests { out += "| `\(cell(change.request.display))` | \(cell(change.before)) | \(cell(change.after)) | \(cell(change.impact.joined(separator: "; "))) |\n" }
            out += "\n"
        }
        if !clients.isEmpty {
            out += "#### Hermes clients\n\n| client | request | before | after |\n|---|---|---|---|\n"
            for change in clients { out += "| \(cell(change.client ?? "")) | `\(cell(change.request.display))` | \(cell(change.before)) | \(cell(change.after)) |\n" }
            out += "\n"
        }
        out += "#### Objects\n\n"
        for object in diff.objects {
            out += "<details><summary>\(object.change.rawValue): <code>\(object.object)</code></summary>\n\n| field | before | after |\n|---|---|---|\n"
            for field in object.fields {
                let new = field.new == "(hidden, changed)" ? "changed (value not shown)" : field.new ?? ""
                out += "| \(cell(field.field)) | \(cell(field.old ?? "")) | \(cell(new)) |\n"
            }
            out += "\n</details>\n\n"
        }
        if !diff.precedence.isEmpty {
            out += "#### Precedence\n\n"
            for move in diff.precedence { out += "- `\(cell(move.place))`: \(move.before.joined(separator: " > ")) → \(move.after.joined(separator: " > "))\n" }
        }
        return out
    }
}
