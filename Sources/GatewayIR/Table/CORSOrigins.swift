import Foundation

/// Gateway API's `allowOrigins` matching (HTTPCORSFilter): an origin is allowed exactly, by scheme,
/// host and port (the scheme's default port filled in), or by a `*` that stands for any labels to
/// the left of its place in the host; `*` alone allows every origin. gwrun and `gwc route` use it.
public struct CORSOrigins: Sendable {
    public let allowed: [String]

    public init(_ allowed: [String]) { self.allowed = allowed }

    public func allows(_ origin: String) -> Bool {
        guard let requested = Origin(origin) else { return false }
        return allowed.contains { entry in
            if entry == "*" { return true }
            guard let pattern = Origin(entry), pattern.scheme == requested.scheme, pattern.port == requested.port else { return false }
            if pattern.host.hasPrefix("*") { return pattern.host == "*" || requested.host.hasSuffix(pattern.host.dropFirst()) }
            return pattern.host == requested.host
        }
    }

    /// An origin's parts, the port made explicit.
    struct Origin: Equatable {
        var scheme: String
        var host: String
        var port: Int

        init?(_ text: String) {
            guard let separator = text.range(of: "://") else { return nil }
            scheme = text[..<separator.lowerBound].lowercased()
            var rest = text[separator.upperBound...]
            if rest.hasSuffix("/") { rest = rest.dropLast() }
            if let colon = rest.lastIndex(of: ":"), let number = Int(rest[rest.index(after: colon)...]) {
                host = rest[..<colon].lowercased()
                port = number
            } else {
                host = rest.lowercased()
                guard scheme == "http" || scheme == "https" else { return nil }
                port = scheme == "https" ? 443 : 80
            }
        }
    }
}
