import Foundation
import GatewayIR

extension ManifestDecoder {
    mutating func decodeSecret(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> Secret {
        var values: [String: SecretValue] = [:]
        var locations: [String: SourceLocation] = [:]
        var undecodable = Set<String>()
        for entry in reader.entries(root["data"]) {
            let encoded = entry.value.scalarText ?? ""
            locations[entry.key.text] = reader.location(entry.value)
            if let data = Data(base64Encoded: encoded) {
                values[entry.key.text] = SecretValue(bytes: [UInt8](data))
            } else {
                // The value itself is never echoed: it may be a credential pasted without encoding.
                report(Diagnostic(
                    .invalidBase64, "`data.\(entry.key.text)` of Secret \(meta.namespace)/\(meta.name) is not valid base64",
                    at: reader.location(entry.value),
                    fix: "base64-encode the value, or move it to `stringData`, which takes plain text", object: "Secret \(meta.namespace)/\(meta.name)"))
                values[entry.key.text] = SecretValue(bytes: [])
                undecodable.insert(entry.key.text)
            }
        }
        for entry in reader.entries(root["stringData"]) {
            values[entry.key.text] = SecretValue(entry.value.scalarText ?? "")
            undecodable.remove(entry.key.text)
            locations[entry.key.text] = reader.location(entry.value)
        }
        return Secret(meta: meta, type: reader.string(root, "type") ?? "Opaque", values: values, keyLocations: locations, undecodableKeys: undecodable)
    }

    func decodeService(_ root: Node, meta: ObjectMeta, reader: NodeReader) -> Service {
        let spec = root["spec"]
        return Service(
            meta: meta, type: reader.string(spec, "type") ?? "ClusterIP",
            ports: reader.items(spec, "ports").compactMap { node in
                reader.int(node, "port").map { Service.Port(name: reader.string(node, "name"), port: $0, appProtocol: reader.string(node, "appProtocol")) }
            })
    }
}
