import Foundation

extension RouteTable {
    /// The verification pass. After it, every index field is within its target section, every
    /// range (first, count) lies inside it, every string is valid UTF-8, and the checksum holds.
    func verify() throws {
        guard size >= TableFormat.headerSize else { throw TableError(offset: 0, "file is \(size) bytes, shorter than the header") }
        for index in 0..<16 where base.load(fromByteOffset: index, as: UInt8.self) != TableFormat.magic[index] {
            throw TableError(offset: index, "not a gwc route table (bad magic)")
        }
        writeVersionValue = u16(at: TableFormat.Header.writeVersion)
        readVersionValue = u16(at: TableFormat.Header.readVersion)
        guard readVersionValue <= TableFormat.readerVersion else {
            throw TableError(offset: TableFormat.Header.readVersion, "table needs reader version \(readVersionValue); this reader implements \(TableFormat.readerVersion) (rebuild with this gwc or upgrade)")
        }
        // Version 2 changed the policy records' layout; an older table is rebuilt, not guessed at.
        guard readVersionValue >= TableFormat.readVersion else {
            throw TableError(offset: TableFormat.Header.readVersion, "table was written for reader version \(readVersionValue), older than this reader reads (\(TableFormat.readVersion)): rebuild it with this gwc")
        }
        guard u32(at: TableFormat.Header.headerSize) == UInt32(TableFormat.headerSize) else {
            throw TableError(offset: TableFormat.Header.headerSize, "header size is \(u32(at: TableFormat.Header.headerSize)), expected \(TableFormat.headerSize)")
        }
        guard u64(at: TableFormat.Header.fileSize) == UInt64(size) else {
            throw TableError(offset: TableFormat.Header.fileSize, "header says \(u64(at: TableFormat.Header.fileSize)) bytes, file has \(size) (truncated or extended)")
        }
        guard u32(at: TableFormat.Header.checksumAlgorithm) == TableFormat.checksumCRC32C else {
            throw TableError(offset: TableFormat.Header.checksumAlgorithm, "unknown checksum algorithm \(u32(at: TableFormat.Header.checksumAlgorithm))")
        }
        for offset in TableFormat.Header.reservedStart..<TableFormat.headerSize where base.load(fromByteOffset: offset, as: UInt8.self) != 0 {
            throw TableError(offset: offset, "reserved header byte is not zero")
        }
        let stored = u32(at: TableFormat.Header.checksum)
        var crc = CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: TableFormat.Header.checksum))
        crc = CRC32C.checksum([0, 0, 0, 0], seed: crc)
        crc = CRC32C.checksum(UnsafeRawBufferPointer(start: base + TableFormat.Header.checksum + 4, count: size - TableFormat.Header.checksum - 4), seed: crc)
        guard crc == stored else {
            throw TableError(offset: TableFormat.Header.checksum, String(format: "checksum mismatch: stored %08x, computed %08x (the file is corrupt)", stored, crc))
        }
        checksumValue = stored
        try verifyDirectory()
        try verifyStrings()
        try verifyRecords()
    }

    private func verifyDirectory() throws {
        let sectionCount = Int(u32(at: TableFormat.Header.sectionCount))
        guard sectionCount <= TableFormat.maxSections else { throw TableError(offset: TableFormat.Header.sectionCount, "\(sectionCount) sections exceed the budget of \(TableFormat.maxSections)") }
        let directoryEnd = TableFormat.headerSize + sectionCount * TableFormat.directoryEntrySize
        guard directoryEnd <= size else { throw TableError(offset: TableFormat.headerSize, "section directory runs past the end of the file") }
        var seen = Set<UInt32>()
        for index in 0..<sectionCount {
            let entry = TableFormat.headerSize + index * TableFormat.directoryEntrySize
            let kind = u32(at: entry), flags = u32(at: entry + 4), offset = Int(u32(at: entry + 8)), length = Int(u32(at: entry + 12))
            guard let section = TableSection(rawValue: kind) else { throw TableError(offset: entry, "unknown section kind \(kind)") }
            guard seen.insert(kind).inserted else { throw TableError(offset: entry, "section \(section.name) appears twice") }
            guard flags == 0 else { throw TableError(offset: entry + 4, "section flags must be zero") }
            guard offset % 8 == 0 else { throw TableError(offset: entry + 8, "section \(section.name) offset \(offset) is not 8-byte aligned") }
            let (end, overflow) = offset.addingReportingOverflow(length)
            guard !overflow, offset >= directoryEnd, end <= size else {
                throw TableError(offset: entry + 8, "section \(section.name) (\(offset)+\(length)) lies outside the file")
            }
            if section.recordWords > 0 {
                guard length % (section.recordWords * 4) == 0 else {
                    throw TableError(offset: entry + 12, "section \(section.name) length \(length) is not a multiple of its \(section.recordWords * 4)-byte record")
                }
                sectionCountsValue[Int(kind)] = length / (section.recordWords * 4)
            }
            sectionOffsetsValue[Int(kind)] = offset
            sectionLengthsValue[Int(kind)] = length
        }
        for section in TableSection.allCases where !seen.contains(section.rawValue) {
            throw TableError(offset: TableFormat.headerSize, "section \(section.name) is missing")
        }
    }

    private func verifyStrings() throws {
        let (offset, length) = sectionInfo(.strings)
        guard length >= 8 else { throw TableError(offset: offset, "string section is too short") }
        let count = Int(u32(at: offset))
        let (tableBytes, overflow) = (count + 1).multipliedReportingOverflow(by: 4)
        guard !overflow, count >= 1, 4 + tableBytes <= length else { throw TableError(offset: offset, "string count \(count) does not fit the section") }
        stringOffsetsBaseValue = offset + 4
        stringDataBaseValue = offset + 4 + tableBytes
        let dataLength = length - 4 - tableBytes
        var previous = 0
        for index in 0...count {
            let value = Int(u32(at: stringOffsetsBaseValue + index * 4))
            guard value >= previous, value <= dataLength else {
                throw TableError(offset: stringOffsetsBaseValue + index * 4, "string offset \(value) is out of order or past the string data")
            }
            if index > 0 {
                let bytes = UnsafeRawBufferPointer(start: base + stringDataBaseValue + previous, count: value - previous)
                guard String(validating: bytes, as: UTF8.self) != nil else {
                    throw TableError(offset: stringDataBaseValue + previous, "string \(index - 1) is not valid UTF-8")
                }
                if let control = Self.firstControlCharacter(bytes) {
                    throw TableError(offset: stringDataBaseValue + previous + control, "string \(index - 1) holds a control character (readers print strings)")
                }
            }
            previous = value
        }
        guard Int(u32(at: stringOffsetsBaseValue)) == 0, stringLength(0) == 0 else { throw TableError(offset: stringDataBaseValue, "string 0 must be empty") }
        stringCountValue = count
    }

    /// The offset of the first C0 control (tab allowed), DEL or C1 control in valid UTF-8.
    static func firstControlCharacter(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var previous: UInt8 = 0
        for (offset, byte) in bytes.enumerated() {
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return offset }
            if previous == 0xC2, (0x80...0x9F).contains(byte) { return offset - 1 }
            previous = byte
        }
        return nil
    }

    /// Secret references must name what Kubernetes could mount: gwrun joins them into a path.
    private func verifySecretReferences() throws {
        for record in 0..<count(.secretRefs) {
            let at = sectionInfo(.secretRefs).offset + record * TableSection.secretRefs.recordWords * 4
            let key = string(word(.secretRefs, record, Field.SecretRef.key))
            if let problem = KubernetesNames.secretReferenceProblem(
                namespace: string(word(.secretRefs, record, Field.SecretRef.namespace)), name: string(word(.secretRefs, record, Field.SecretRef.name)),
                key: key.isEmpty ? nil : key)
            {
                throw TableError(offset: at, "secret reference \(record): \(problem)")
            }
        }
    }

    private func stringLength(_ index: Int) -> Int {
        Int(u32(at: stringOffsetsBaseValue + (index + 1) * 4)) - Int(u32(at: stringOffsetsBaseValue + index * 4))
    }

    /// Field kinds for checking: a string id, an optional string id, an index into a section,
    /// an optional index, or a (first, count) range.
    private enum Check {
        case string(Int), optionalString(Int), index(Int, TableSection), optionalIndex(Int, TableSection), range(Int, Int, TableSection)
        case below(Int, UInt32)
    }

    private func verifyRecords() throws {
        let checks: [TableSection: [Check]] = [
            .gateways: [
                .string(Field.Gateway.namespace), .string(Field.Gateway.name), .range(Field.Gateway.firstListener, Field.Gateway.listenerCount, .listeners),
                .below(Field.Gateway.flags, 2), .range(Field.Gateway.firstFrontendRef, Field.Gateway.frontendRefCount, .policyRefs),
            ],
            .listeners: [
                .index(Field.Listener.gateway, .gateways), .string(Field.Listener.name), .string(Field.Listener.protocol), .below(Field.Listener.port, 65536),
                .optionalString(Field.Listener.hostname), .range(Field.Listener.firstHost, Field.Listener.exactHostCount, .hosts),
                .below(Field.Listener.tlsMode, 3), .range(Field.Listener.firstCertificateRef, Field.Listener.certificateRefCount, .secretRefs),
            ],
            .hosts: [
                .string(Field.Host.hostname), .range(Field.Host.firstExactPath, Field.Host.exactPathCount, .pathIndex),
                .range(Field.Host.firstPrefixPath, Field.Host.prefixPathCount, .pathIndex), .range(Field.Host.firstOtherMatch, Field.Host.otherMatchCount, .matches),
                .below(Field.Host.reserved, 1),
            ],
            .pathIndex: [.string(Field.PathEntry.path), .range(Field.PathEntry.firstMatch, Field.PathEntry.matchCount, .matches)],
            .matches: [
                .index(Field.Match.rule, .rules), .below(Field.Match.pathType, 3), .string(Field.Match.path), .optionalString(Field.Match.method),
                .range(Field.Match.firstValueMatch, Field.Match.headerCount, .valueMatches),
            ],
            .valueMatches: [.below(Field.ValueMatch.type, 2), .string(Field.ValueMatch.name), .string(Field.ValueMatch.value)],
            .rules: [
                .index(Field.Rule.route, .routes), .range(Field.Rule.firstBackendRef, Field.Rule.backendRefCount, .backendRefs),
                .range(Field.Rule.firstFilter, Field.Rule.filterCount, .filters), .range(Field.Rule.firstPolicyRef, Field.Rule.policyRefCount, .policyRefs),
                .below(Field.Rule.flags, 4),
            ],
            .routes: [.string(Field.Route.namespace), .string(Field.Route.name), .string(Field.Route.sourceFile), .range(Field.Route.firstRule, Field.Route.ruleCount, .rules)],
            .backendRefs: [
                .optionalIndex(Field.BackendRef.backend, .backends), .below(Field.BackendRef.weight, 1_000_001), .optionalString(Field.BackendRef.problem),
                .string(Field.BackendRef.group), .string(Field.BackendRef.kind), .string(Field.BackendRef.namespace), .string(Field.BackendRef.name),
                .range(Field.BackendRef.firstFilter, Field.BackendRef.filterCount, .filters),
            ],
            .backends: [
                .below(Field.Backend.kind, 5), .string(Field.Backend.namespace), .string(Field.Backend.name), .optionalString(Field.Backend.host),
                .range(Field.Backend.firstProvider, Field.Backend.providerCount, .providers), .range(Field.Backend.firstRouteType, Field.Backend.routeTypeCount, .routeTypes),
                .optionalIndex(Field.Backend.tls, .upstreamTLS), .range(Field.Backend.firstAlias, Field.Backend.aliasCount, .stringLists),
                .range(Field.Backend.firstEdit, Field.Backend.editCount, .stringLists), .below(Field.Backend.promptCaching, PromptCachingFlags.all.rawValue + 1),
            ],
            .providers: [
                .string(Field.Provider.kind), .optionalString(Field.Provider.model), .optionalString(Field.Provider.host), .optionalString(Field.Provider.path),
                .optionalString(Field.Provider.pathPrefix), .optionalIndex(Field.Provider.auth, .secretRefs), .below(Field.Provider.authMode, 5),
                .optionalString(Field.Provider.name), .optionalIndex(Field.Provider.tls, .upstreamTLS), .optionalString(Field.Provider.query),
                .below(Field.Provider.formats, ProviderFormats.all.rawValue + 1), .below(Field.Provider.credentialHeader, 4),
                .optionalString(Field.Provider.signingRegion), .optionalString(Field.Provider.signingService),
            ],
            .routeTypes: [.string(Field.RouteType.suffix), .string(Field.RouteType.type)],
            .filters: [.below(Field.Filter.type, 7)],
            .headerOps: [.below(Field.HeaderOp.op, 3), .string(Field.HeaderOp.name), .string(Field.HeaderOp.value)],
            .policies: [.string(Field.Policy.name)],  // the kind: below, with the fields each kind has
            .stringLists: [.string(0)],
            .policyRefs: [
                .index(Field.PolicyRef.policy, .policies), .below(Field.PolicyRef.level, UInt32(PolicyLevel.allCases.count)),
                .optionalIndex(Field.PolicyRef.listener, .listeners),
            ],
            .hermesClients: [
                .string(Field.HermesClient.configFile), .string(Field.HermesClient.role), .string(Field.HermesClient.url), .string(Field.HermesClient.mode),
                .optionalString(Field.HermesClient.model), .optionalIndex(Field.HermesClient.gateway, .gateways), .string(Field.HermesClient.host),
                .string(Field.HermesClient.path),
            ],
            .secretRefs: [.string(Field.SecretRef.namespace), .string(Field.SecretRef.name), .string(Field.SecretRef.key)],
            .sourceOps: [.below(Field.SourceOp.op, 6)],
            .upstreamTLS: [
                .below(Field.UpstreamTLS.verification, 4), .optionalString(Field.UpstreamTLS.sni),
                .range(Field.UpstreamTLS.firstName, Field.UpstreamTLS.nameCount, .stringLists), .range(Field.UpstreamTLS.firstCA, Field.UpstreamTLS.caCount, .stringLists),
                .optionalIndex(Field.UpstreamTLS.caSecret, .secretRefs), .optionalIndex(Field.UpstreamTLS.clientCertificate, .secretRefs),
                .optionalIndex(Field.UpstreamTLS.clientKey, .secretRefs),
            ],
        ]
        for (section, fields) in checks {
            let (offset, _) = sectionInfo(section)
            for record in 0..<count(section) {
                for check in fields { try verify(check, section: section, record: record, recordOffset: offset + record * section.recordWords * 4) }
            }
        }
        // Model aliases come in pairs.
        for record in 0..<count(.backends) where word(.backends, record, Field.Backend.aliasCount) % 2 != 0 {
            throw TableError(offset: sectionInfo(.backends).offset + (record * TableSection.backends.recordWords + Field.Backend.aliasCount) * 4, "backend \(record) model aliases are not pairs")
        }
        // Request edits come in triples whose kind gwrun knows (gwrun refuses a value that is not JSON).
        for record in 0..<count(.backends) {
            let at = sectionInfo(.backends).offset + (record * TableSection.backends.recordWords + Field.Backend.editCount) * 4
            let edits = backend(record).requestEdits
            guard edits.count * 3 == Int(word(.backends, record, Field.Backend.editCount)) else { throw TableError(offset: at, "backend \(record) request edits are not triples") }
            for edit in edits where edit.kind == nil { throw TableError(offset: at, "backend \(record) has a request edit of unknown kind") }
        }
        // Listener host ranges cover exact + wildcard + any entries.
        for record in 0..<count(.listeners) {
            let at = sectionInfo(.listeners).offset + record * TableSection.listeners.recordWords * 4
            let total = UInt64(word(.listeners, record, Field.Listener.exactHostCount)) + UInt64(word(.listeners, record, Field.Listener.wildcardHostCount))
                + UInt64(word(.listeners, record, Field.Listener.anyHostCount))
            let first = UInt64(word(.listeners, record, Field.Listener.firstHost))
            guard word(.listeners, record, Field.Listener.anyHostCount) <= 1, first + total <= UInt64(count(.hosts)) else {
                throw TableError(offset: at + Field.Listener.firstHost * 4, "listener \(record) host entries run past the host section")
            }
        }
        // Query matches follow header matches in the value-match section.
        for record in 0..<count(.matches) {
            let at = sectionInfo(.matches).offset + record * TableSection.matches.recordWords * 4
            let end = UInt64(word(.matches, record, Field.Match.firstValueMatch)) + UInt64(word(.matches, record, Field.Match.headerCount))
                + UInt64(word(.matches, record, Field.Match.queryCount))
            guard end <= UInt64(count(.valueMatches)) else { throw TableError(offset: at + Field.Match.queryCount * 4, "match \(record) value matches run past their section") }
        }
        try verifyFilterAndPolicyReferences()
        try verifyFrontend()
        try verifySecretReferences()
    }

    private func verify(_ check: Check, section: TableSection, record: Int, recordOffset: Int) throws {
        func value(_ field: Int) -> UInt32 { u32(at: recordOffset + field * 4) }
        switch check {
        case .string(let field):
            guard Int(value(field)) < stringCount else { throw TableError(offset: recordOffset + field * 4, "\(section.name) \(record): string id \(value(field)) is out of range") }
        case .optionalString(let field):
            let id = value(field)
            guard id == TableFormat.none || Int(id) < stringCount else { throw TableError(offset: recordOffset + field * 4, "\(section.name) \(record): string id \(id) is out of range") }
        case .index(let field, let target):
            guard Int(value(field)) < count(target) else { throw TableError(offset: recordOffset + field * 4, "\(section.name) \(record): index \(value(field)) into \(target.name) is out of range") }
        case .optionalIndex(let field, let target):
            let index = value(field)
            guard index == TableFormat.none || Int(index) < count(target) else {
                throw TableError(offset: recordOffset + field * 4, "\(section.name) \(record): index \(index) into \(target.name) is out of range")
            }
        case .range(let first, let countField, let target):
            let (end, overflow) = value(first).addingReportingOverflow(value(countField))
            guard !overflow, Int(end) <= count(target) else {
                throw TableError(offset: recordOffset + first * 4, "\(section.name) \(record): range \(value(first))+\(value(countField)) runs past \(target.name)")
            }
        case .below(let field, let limit):
            guard value(field) < limit else { throw TableError(offset: recordOffset + field * 4, "\(section.name) \(record): value \(value(field)) is not below \(limit)") }
        }
    }
}
