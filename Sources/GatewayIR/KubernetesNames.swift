/// The name rules Kubernetes enforces (apimachinery's validation), shared by lint, the table
/// verifier and gwrun's secret resolution. A Secret key that passed them can be used as one path
/// component under a mounted Secret: no `/`, never `.` or `..`.
public enum KubernetesNames {
    /// RFC 1123 label: namespaces. 1-63 of `[a-z0-9-]`, alphanumeric at both ends.
    public static func isDNSLabel(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return bytes.count <= 63 && isLabel(bytes[...])
    }

    /// RFC 1123 subdomain: Secret and most object names. Labels joined by `.`, 253 bytes at most.
    public static func isDNSSubdomain(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        return bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    /// A Secret (or ConfigMap) data key: 1-253 of `[-._a-zA-Z0-9]`, not starting with `..`,
    /// and neither `.` nor `..`.
    public static func isSecretKey(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard !bytes.isEmpty, bytes.count <= 253, value != ".", !value.hasPrefix("..") else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
    }

    /// Why a reference `namespace/name[key]` cannot name a Secret, or nil when it can.
    public static func secretReferenceProblem(namespace: String, name: String, key: String?) -> String? {
        if !isDNSLabel(namespace) { return "namespace \"\(printable(namespace))\" is not a DNS label" }
        if !isDNSSubdomain(name) { return "Secret name \"\(printable(name))\" is not a lower-case DNS name" }
        if let key, !isSecretKey(key) { return "key \"\(printable(key))\" is not a Secret key (letters, digits, `-`, `_`, `.`; not `.` or `..`)" }
        return nil
    }

    /// The value with control characters shown as `\u{..}`, for messages; capped at 80 characters.
    public static func printable(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars.prefix(80) {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return value.unicodeScalars.count > 80 ? out + "…" : out
    }

    private static func isLabel(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 63 else { return false }
        guard isLowerAlphanumeric(first), isLowerAlphanumeric(last) else { return false }
        return bytes.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }
}
