/// A route table before serialisation: interned strings plus one array of fixed-size records per
/// section. `TableWriter` turns it into bytes; the compiler fills it.
public struct TableModel: Sendable {
    public private(set) var strings: [String] = [""]
    private var stringIDs: [String: UInt32] = ["": 0]
    public var sections: [TableSection: [UInt32]] = [:]

    public init() {}

    /// The id of a string, adding it when new. Id 0 is the empty string.
    public mutating func intern(_ string: String) -> UInt32 {
        if let id = stringIDs[string] { return id }
        let id = UInt32(strings.count)
        strings.append(string)
        stringIDs[string] = id
        return id
    }

    public mutating func intern(_ string: String?) -> UInt32 { string.map { intern($0) } ?? TableFormat.none }

    /// Appends a record given field by field, by the same `Field` names readers and the verifier
    /// use (unnamed words are 0), and returns its index.
    @discardableResult
    public mutating func append(_ section: TableSection, fields: KeyValuePairs<Int, UInt32>) -> UInt32 {
        var words = [UInt32](repeating: 0, count: section.recordWords)
        for (field, value) in fields {
            precondition(field < section.recordWords, "field \(field) is outside a \(section.name) record")
            words[field] = value
        }
        return append(section, words)
    }

    /// Appends a record and returns its index.
    @discardableResult
    public mutating func append(_ section: TableSection, _ words: [UInt32]) -> UInt32 {
        precondition(words.count == section.recordWords, "record of \(section.name) must have \(section.recordWords) words")
        let index = UInt32((sections[section]?.count ?? 0) / section.recordWords)
        sections[section, default: []].append(contentsOf: words)
        return index
    }

    public func count(_ section: TableSection) -> Int {
        guard section.recordWords > 0 else { return strings.count }
        return (sections[section]?.count ?? 0) / section.recordWords
    }

    /// Overwrites one word of a record already appended (for forward references).
    public mutating func set(_ section: TableSection, record: UInt32, word: Int, to value: UInt32) {
        sections[section]?[Int(record) * section.recordWords + word] = value
    }
}
