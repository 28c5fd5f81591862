import Foundation

extension RouteTable {
    /// Finds the listener and rule for a request, in Gateway API precedence: the listener with the
    /// most specific matching hostname; then route hostnames (exact, longest wildcard, none); then
    /// exact path, longest prefix (element-wise), method, header count, query count, creation
    /// time, namespace/name and rule order, which the compiler already sorted each list by.
    /// `gateway` restricts the search to one Gateway (an index in the gateways section).
    /// Returns nil when no listener of the port accepts the host.
    /// `alsoMatched`, when given, receives every other match that fits the request (with its host
    /// entry), in precedence order, so that tools can explain why the winner won.
    public func lookup(_ request: RouteRequest, gateway: Int? = nil, alsoMatched: ((_ match: Int, _ hostEntry: Int) -> Void)? = nil) -> RouteMatch? {
        let host = Hostname.normalize(hostHeader: request.host)
        guard let (gatewayIndex, listener) = selectListener(port: request.port, host: host, gateway: gateway) else { return nil }
        var result = RouteMatch(gateway: gatewayIndex, listener: listener, rule: nil, match: nil, hostEntry: nil)
        forEachHostEntry(listener: listener, host: host) { hostEntry in
            let report = alsoMatched.map { callback in { (match: Int) in callback(match, hostEntry) } }
            guard let match = matchInHost(hostEntry, request, alsoMatched: report) else { return true }
            if result.match == nil {
                result.match = match
                result.rule = Int(word(.matches, match, Field.Match.rule))
                result.hostEntry = hostEntry
                return alsoMatched != nil
            }
            alsoMatched?(match, hostEntry)
            return true
        }
        return result
    }

    /// The listener on the port whose hostname matches the host most specifically.
    public func selectListener(port: Int, host: String, gateway: Int?) -> (Int, Int)? {
        var best: (gateway: Int, listener: Int, score: Int)?
        // A range, not an array: this runs for every request.
        let gateways = gateway.map { $0..<($0 + 1) } ?? 0..<count(.gateways)
        for gatewayIndex in gateways where gatewayIndex >= 0 && gatewayIndex < count(.gateways) {
            let first = Int(word(.gateways, gatewayIndex, Field.Gateway.firstListener))
            let listenerCount = Int(word(.gateways, gatewayIndex, Field.Gateway.listenerCount))
            for listener in first..<(first + listenerCount) where Int(word(.listeners, listener, Field.Listener.port)) == port {
                let hostnameID = word(.listeners, listener, Field.Listener.hostname)
                let score: Int
                if hostnameID == TableFormat.none {
                    score = 0
                } else {
                    let pattern = string(hostnameID)
                    guard Hostname.matches(pattern: pattern, host: host) else { continue }
                    score = pattern.hasPrefix("*.") ? 1_000 + pattern.utf8.count : 100_000 + pattern.utf8.count
                }
                if best == nil || score > (best?.score ?? 0) { best = (gatewayIndex, listener, score) }
            }
        }
        return best.map { ($0.gateway, $0.listener) }
    }

    /// Calls `body` with the host entries of a listener that apply to a host, most specific first,
    /// until it returns false (no array: this runs for every request).
    func forEachHostEntry(listener: Int, host: String, _ body: (Int) -> Bool) {
        let first = Int(word(.listeners, listener, Field.Listener.firstHost))
        let exactCount = Int(word(.listeners, listener, Field.Listener.exactHostCount))
        let wildcardCount = Int(word(.listeners, listener, Field.Listener.wildcardHostCount))
        let anyCount = Int(word(.listeners, listener, Field.Listener.anyHostCount))
        var hostBytes = host  // searched as its UTF-8 bytes in place (no copy into an array)
        let exact = hostBytes.withUTF8 { raw in
            binarySearch(first..<(first + exactCount), key: UnsafeRawBufferPointer(raw), section: .hosts, field: Field.Host.hostname)
        }
        if let exact, !body(exact) { return }
        for entry in (first + exactCount)..<(first + exactCount + wildcardCount)
        where Hostname.matches(pattern: string(word(.hosts, entry, Field.Host.hostname)), host: host) {
            if !body(entry) { return }
        }
        if anyCount == 1 { _ = body(first + exactCount + wildcardCount) }
    }

    /// Binary search of records sorted by a string field's bytes.
    func binarySearch(_ range: Range<Int>, key: UnsafeRawBufferPointer, section: TableSection, field: Int) -> Int? {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            let order = compare(word(section, mid, field), key)
            if order == 0 { return mid }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    private func matchInHost(_ entry: Int, _ request: RouteRequest, alsoMatched: ((Int) -> Void)?) -> Int? {
        var found: Int?
        func consider(_ first: Int, _ count: Int) -> Bool {
            for match in first..<(first + count) where conditionsHold(match, request) {
                if found == nil { found = match } else { alsoMatched?(match) }
                if alsoMatched == nil { return true }
            }
            return false
        }
        var pathString = request.path  // searched as its UTF-8 bytes in place (no copy into an array)
        let pathFound = pathString.withUTF8 { path -> Bool in
            let exactFirst = Int(word(.hosts, entry, Field.Host.firstExactPath)), exactCount = Int(word(.hosts, entry, Field.Host.exactPathCount))
            let exact = binarySearch(exactFirst..<(exactFirst + exactCount), key: UnsafeRawBufferPointer(path), section: .pathIndex, field: Field.PathEntry.path)
            if let exact, consider(Int(word(.pathIndex, exact, Field.PathEntry.firstMatch)), Int(word(.pathIndex, exact, Field.PathEntry.matchCount))) { return true }
            // Element-wise prefixes, longest first: /a/b/c, /a/b, /a, /.
            let prefixFirst = Int(word(.hosts, entry, Field.Host.firstPrefixPath)), prefixCount = Int(word(.hosts, entry, Field.Host.prefixPathCount))
            guard prefixCount > 0 else { return false }
            var length = path.count
            while length > 1 && path[length - 1] == UInt8(ascii: "/") { length -= 1 }
            var end = length
            while true {
                let candidate = end == 0 ? 1 : end
                let key = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(path)[0..<min(candidate, length)])
                let hit = binarySearch(prefixFirst..<(prefixFirst + prefixCount), key: key, section: .pathIndex, field: Field.PathEntry.path)
                if let hit, consider(Int(word(.pathIndex, hit, Field.PathEntry.firstMatch)), Int(word(.pathIndex, hit, Field.PathEntry.matchCount))) { return true }
                if end <= 1 { return false }
                var cut = end - 1
                while cut > 0 && path[cut] != UInt8(ascii: "/") { cut -= 1 }
                end = cut
            }
        }
        if pathFound { return found }
        let otherFirst = Int(word(.hosts, entry, Field.Host.firstOtherMatch)), otherCount = Int(word(.hosts, entry, Field.Host.otherMatchCount))
        if consider(otherFirst, otherCount) { return found }
        return found
    }

    /// Method, headers and query of a match (its path already matched, except for regex paths).
    func conditionsHold(_ match: Int, _ request: RouteRequest) -> Bool {
        if PathMatchKind(rawValue: word(.matches, match, Field.Match.pathType)) == .regex {
            guard Self.regexMatches(string(word(.matches, match, Field.Match.path)), request.path) else { return false }
        }
        let method = word(.matches, match, Field.Match.method)
        if method != TableFormat.none, string(method) != request.method { return false }
        let first = Int(word(.matches, match, Field.Match.firstValueMatch))
        let headerCount = Int(word(.matches, match, Field.Match.headerCount)), queryCount = Int(word(.matches, match, Field.Match.queryCount))
        for index in first..<(first + headerCount) {
            let name = string(word(.valueMatches, index, Field.ValueMatch.name))
            guard let value = request.headers.first(where: { $0.name.caseInsensitiveEquals(name) })?.value, valueMatches(index, value) else { return false }
        }
        for index in (first + headerCount)..<(first + headerCount + queryCount) {
            let name = string(word(.valueMatches, index, Field.ValueMatch.name))
            guard let value = request.query.first(where: { $0.name == name })?.value, valueMatches(index, value) else { return false }
        }
        return true
    }

    private func valueMatches(_ index: Int, _ value: String) -> Bool {
        let expected = string(word(.valueMatches, index, Field.ValueMatch.value))
        if ValueMatchKind(rawValue: word(.valueMatches, index, Field.ValueMatch.type)) == .regex { return Self.regexMatches(expected, value) }
        return expected == value
    }

    /// Regular expressions match the whole value (RE2-like anchoring, as Envoy does).
    static func regexMatches(_ pattern: String, _ value: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: "^(?:\(pattern))$") else { return false }
        return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && zip(utf8, other.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
        }
    }
}
