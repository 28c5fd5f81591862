/// Typed views of the records a lookup walks and a rule's filters (see `RecordViews.swift`).
extension RouteTable {
    public struct HostRecord {
        let table: RouteTable
        public let index: Int
        /// The route hostname; empty for a route with none.
        public var hostname: String { table.string(table.word(.hosts, index, Field.Host.hostname)) }
        public var exactPathCount: Int { Int(table.word(.hosts, index, Field.Host.exactPathCount)) }
        public var prefixPathCount: Int { Int(table.word(.hosts, index, Field.Host.prefixPathCount)) }
        public var otherMatchCount: Int { Int(table.word(.hosts, index, Field.Host.otherMatchCount)) }
        /// Path index entries (exact, then prefix) and the matches that need more than a path.
        public var exactPaths: Range<Int> { table.range(.hosts, index, Field.Host.firstExactPath, Field.Host.exactPathCount) }
        public var prefixPaths: Range<Int> { table.range(.hosts, index, Field.Host.firstPrefixPath, Field.Host.prefixPathCount) }
        public var otherMatches: Range<Int> { table.range(.hosts, index, Field.Host.firstOtherMatch, Field.Host.otherMatchCount) }
    }

    public struct PathEntryRecord {
        let table: RouteTable
        public let index: Int
        public var path: String { table.string(table.word(.pathIndex, index, Field.PathEntry.path)) }
        public var matches: Range<Int> { table.range(.pathIndex, index, Field.PathEntry.firstMatch, Field.PathEntry.matchCount) }
    }

    public struct MatchRecord {
        let table: RouteTable
        public let index: Int
        public var rule: Int { Int(word(Field.Match.rule)) }
        /// The match's position in its rule.
        public var matchIndex: Int { Int(word(Field.Match.matchIndex)) }
        public var pathKind: PathMatchKind? { PathMatchKind(rawValue: word(Field.Match.pathType)) }
        public var path: String { table.string(word(Field.Match.path)) }
        public var method: String? { table.optionalString(word(Field.Match.method)) }
        public var headers: Range<Int> { firstValueMatch..<(firstValueMatch + headerCount) }
        public var queryParameters: Range<Int> { (firstValueMatch + headerCount)..<(firstValueMatch + headerCount + Int(word(Field.Match.queryCount))) }
        public var headerCount: Int { Int(word(Field.Match.headerCount)) }
        public var queryCount: Int { Int(word(Field.Match.queryCount)) }
        private var firstValueMatch: Int { Int(word(Field.Match.firstValueMatch)) }
        func word(_ field: Int) -> UInt32 { table.word(.matches, index, field) }
    }

    public struct ValueMatchRecord {
        let table: RouteTable
        public let index: Int
        public var kind: ValueMatchKind? { ValueMatchKind(rawValue: table.word(.valueMatches, index, Field.ValueMatch.type)) }
        public var name: String { table.string(table.word(.valueMatches, index, Field.ValueMatch.name)) }
        public var value: String { table.string(table.word(.valueMatches, index, Field.ValueMatch.value)) }
    }

    public struct FilterRecord {
        let table: RouteTable
        public let index: Int
        public var kind: FilterKind? { FilterKind(rawValue: word(Field.Filter.type)) }
        /// A header modifier's operations.
        public var headerOps: Range<Int> { table.range(.filters, index, Field.Filter.HeaderModifier.firstOp, Field.Filter.HeaderModifier.opCount) }
        public var redirectStatus: Int { Int(word(Field.Filter.Redirect.statusCode)) }
        /// The name shown for CORS and ExtensionRef filters.
        public var name: String { table.string(word(Field.Filter.Named.name)) }
        func word(_ field: Int) -> UInt32 { table.word(.filters, index, field) }
    }

    public struct HeaderOpRecord {
        let table: RouteTable
        public let index: Int
        public var kind: HeaderOpKind? { HeaderOpKind(rawValue: table.word(.headerOps, index, Field.HeaderOp.op)) }
        public var name: String { table.string(table.word(.headerOps, index, Field.HeaderOp.name)) }
        public var value: String { table.string(table.word(.headerOps, index, Field.HeaderOp.value)) }
    }

    public func host(_ index: Int) -> HostRecord { HostRecord(table: self, index: index) }
    public func pathEntry(_ index: Int) -> PathEntryRecord { PathEntryRecord(table: self, index: index) }
    public func match(_ index: Int) -> MatchRecord { MatchRecord(table: self, index: index) }
    public func valueMatch(_ index: Int) -> ValueMatchRecord { ValueMatchRecord(table: self, index: index) }
    public func filter(_ index: Int) -> FilterRecord { FilterRecord(table: self, index: index) }
    public func headerOp(_ index: Int) -> HeaderOpRecord { HeaderOpRecord(table: self, index: index) }
}
