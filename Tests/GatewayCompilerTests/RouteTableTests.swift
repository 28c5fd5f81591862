import Foundation
import GatewayCompiler
import GatewayIR
import Testing

@Suite("Route table: determinism, corruption, seed routing")
struct RouteTableTests {
    static func build(_ files: [SourceFile], sourceMap: Bool = true) -> [UInt8] {
        TableWriter.bytes(of: TableCompiler.compile(Linter().lint(files), includeSourceMap: sourceMap))
    }

    static func sampleFiles() throws -> [SourceFile] {
        try ["samples/hermes-anthropic/gateway.yaml", "samples/hermes-anthropic/hermes-config.yaml"].map { path in
            SourceFile(path: path, bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Repo.path(path)))))
        }
    }

    @Test func crc32cMatchesItsTestVector() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    }

    @Test func seedSampleRoutesAsTheHowToSays() throws {
        let table = try RouteTable(bytes: Self.build(try Self.sampleFiles()))
        for path in ["/anthropic/chat/completions", "/v1/chat/completions"] {
            let explanation = RouteExplanation.explain(table, RouteRequest(port: 8080, host: "gateway.example.com", method: "POST", path: path), gateway: nil)
            #expect(explanation.status == 200)
            #expect(explanation.routeName == "claude")
            let backend = try #require(explanation.backends.first)
            #expect("\(backend.namespace)/\(backend.name)" == "agentgateway-system/anthropic")
            #expect(backend.provider == "anthropic" && backend.model == "claude-opus-4-7")
        }
        #expect(RouteExplanation.explain(table, RouteRequest(port: 8080, host: "gateway.example.com", method: "POST", path: "/other"), gateway: nil).status == 404)
        #expect(RouteExplanation.explain(table, RouteRequest(port: 9999, host: "gateway.example.com", path: "/anthropic"), gateway: nil).status == 404)
    }

    @Test func buildingTwiceOrFromShuffledInputsGivesIdenticalBytes() throws {
        let root = ConformanceStatusTests.root
        var files: [SourceFile] = []
        for test in ["httproute-matching", "httproute-header-matching", "httproute-weight", "httproute-redirect-path"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(root)/\(test)").filter({ $0.hasSuffix(".yaml") }).sorted() {
                files.append(SourceFile(path: "\(test)/\(name)", bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(root)/\(test)/\(name)")))))
            }
        }
        files += try Self.sampleFiles()
        let first = Self.build(files)
        #expect(Self.build(files) == first, "a second build differs")
        var generator = SplitMix64(seed: 7)
        for _ in 0..<5 {
            var shuffled = files
            shuffled.shuffle(using: &generator)
            #expect(Self.build(shuffled) == first, "the order of the inputs changed the table")
        }
        // Moving documents changes their line numbers, which the source map records; without
        // it (gwc build --no-source-map) the table must not change either.
        let withoutMap = Self.build(files, sourceMap: false)
        #expect(withoutMap != first)
        for _ in 0..<5 {
            var shuffled = files.map { file in
                var documents = String(decoding: file.bytes, as: UTF8.self).components(separatedBy: "\n---\n")
                documents.shuffle(using: &generator)
                return SourceFile(path: file.path, text: documents.joined(separator: "\n---\n"))
            }
            shuffled.shuffle(using: &generator)
            #expect(Self.build(shuffled, sourceMap: false) == withoutMap, "the order of the documents changed the table")
        }
    }

    @Test func everyFlippedByteIsRejectedAndEveryTruncationToo() throws {
        let bytes = Self.build(try Self.sampleFiles())
        #expect((try? RouteTable(bytes: bytes)) != nil)
        var accepted: [Int] = []
        for offset in 0..<bytes.count {
            var corrupt = bytes
            corrupt[offset] ^= 0x5A
            do {
                _ = try RouteTable(bytes: corrupt)
                accepted.append(offset)
            } catch let error as TableError {
                #expect(error.offset >= 0 && error.offset <= bytes.count)
            }
        }
        #expect(accepted.isEmpty, "flips at \(accepted) were accepted")
        for length in 0..<bytes.count {
            #expect(throws: TableError.self) { _ = try RouteTable(bytes: Array(bytes[0..<length])) }
        }
    }

    /// gwrun must never serve a table with a policy it would not know how to enforce.
    @Test func aPolicyOfAnUnknownKindIsRefused() throws {
        let yaml = try String(contentsOfFile: Repo.path("samples/policies/gateway.yaml"), encoding: .utf8)
        var bytes = Self.build([SourceFile(path: "p.yaml", text: yaml)])
        let table = try RouteTable(bytes: bytes)
        #expect(table.count(.policies) > 0)
        let (offset, _) = table.sectionInfo(.policies)
        bytes[offset + Field.Policy.kind * 4] = 99
        Self.fixChecksum(&bytes)
        do {
            _ = try RouteTable(bytes: bytes)
            Issue.record("a policy of kind 99 was accepted")
        } catch let error as TableError {
            #expect(error.reason.contains("kind") && error.offset == offset)
        }
    }

    @Test func corruptionBehindAValidChecksumIsCaughtByTheStructureChecks() throws {
        // Rewrite a record index out of range and fix up the checksum: the verifier, not the
        // checksum, must refuse it, at the byte it names.
        var bytes = Self.build(try Self.sampleFiles())
        let table = try RouteTable(bytes: bytes)
        let (offset, _) = table.sectionInfo(.matches)
        let field = offset + Field.Match.rule * 4
        bytes[field] = 0xFF; bytes[field + 1] = 0xFF; bytes[field + 2] = 0; bytes[field + 3] = 0
        Self.fixChecksum(&bytes)
        do {
            _ = try RouteTable(bytes: bytes)
            Issue.record("an out-of-range rule index was accepted")
        } catch let error as TableError {
            #expect(error.offset == field)
            #expect(error.reason.contains("out of range"))
        }
    }

    @Test func aNewerReadVersionIsRefused() throws {
        var bytes = Self.build(try Self.sampleFiles())
        bytes[18] = UInt8(TableFormat.readerVersion + 1)
        Self.fixChecksum(&bytes)
        #expect(throws: TableError.self) { _ = try RouteTable(bytes: bytes) }
        do { _ = try RouteTable(bytes: bytes) } catch let error as TableError { #expect(error.reason.contains("reader version \(TableFormat.readerVersion + 1)")) }
    }

    @Test func aTableOfTheOlderLayoutIsRefused() throws {
        var bytes = Self.build(try Self.sampleFiles())
        bytes[18] = 1
        Self.fixChecksum(&bytes)
        do {
            _ = try RouteTable(bytes: bytes)
            Issue.record("a version 1 table was accepted")
        } catch let error as TableError { #expect(error.reason.contains("rebuild it with this gwc")) }
    }

    static func fixChecksum(_ bytes: inout [UInt8]) {
        for index in 40..<44 { bytes[index] = 0 }
        let crc = CRC32C.checksum(bytes)
        for index in 0..<4 { bytes[40 + index] = UInt8((crc >> (8 * UInt32(index))) & 0xFF) }
    }

    @Test func tablesAreWrittenAtomicallyAndOpenedByMapping() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gwc-table-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("routes.gwt").path
        let bytes = Self.build(try Self.sampleFiles())
        try TableFile.write(bytes, to: path)
        let table = try RouteTable.open(path: path)
        #expect(table.size == bytes.count)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["routes.gwt"])
    }

    @Test func secretValuesNeverEnterTheTable() throws {
        let secret = "sk-ant-fake.secret.value.for.tests"
        var files = try Self.sampleFiles()
        files[0] = SourceFile(path: files[0].path, text: String(decoding: files[0].bytes, as: UTF8.self).replacingOccurrences(of: "fake-anthropic-key-for-local-stand-in", with: secret))
        let bytes = Self.build(files)
        #expect(!String(decoding: bytes, as: UTF8.self).contains(secret))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("sk-ant"))
    }
}
