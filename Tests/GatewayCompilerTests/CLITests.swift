import Foundation
import Testing

/// The `gwc` binary as users call it: exit codes, formats, standard input.
@Suite("gwc command line")
struct CLITests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var binary: String {
        // Tests run from the build products directory (on Linux the .xctest file sits in it).
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = url.appendingPathComponent("gwc").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        return Repo.path(".build/debug/gwc")
    }

    func gwc(_ arguments: [String], stdin: String? = nil, environment: [String: String] = ["NO_COLOR": "1"]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = Repo.root
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test func seedSampleExitsZeroWithASummary() throws {
        let run = try gwc(["lint", "samples/hermes-anthropic"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("2 files, 5 objects checked: 0 errors, 1 warning"))
        #expect(!run.stdout.contains("\u{1B}["), "no colour when NO_COLOR is set or not a terminal")
    }

    @Test func errorsExitOneAndShowTheSourceLine() throws {
        let run = try gwc(["lint", "samples/broken/backend-secret-not-found.yaml"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("samples/broken/backend-secret-not-found.yaml:15:9: error[GW400]"))
        #expect(run.stdout.contains("15 |         name: antropic-secret"))
        #expect(run.stdout.contains("help: did you mean \"anthropic-secret\"?"))
    }

    @Test func unreadableInputExitsTwo() throws {
        let run = try gwc(["lint", "does/not/exist.yaml"])
        #expect(run.status == 2)
        #expect(run.stdout.contains("does/not/exist.yaml: no such file or directory"))
    }

    @Test func usageErrorsExitTwo() throws {
        let run = try gwc(["lint", "--format", "xml", "samples"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("xml"))
    }

    @Test func strictTurnsWarningsIntoFailure() throws {
        #expect(try gwc(["lint", "--strict", "samples/hermes-anthropic"]).status == 1)
    }

    @Test func jsonOutputCarriesCodeSeverityAndLocation() throws {
        let run = try gwc(["lint", "--format", "json", "samples/broken/parent-not-found.yaml"])
        #expect(run.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let first = try #require(diagnostics.first { $0["code"] as? String == "GW300" })
        #expect(first["severity"] as? String == "error")
        #expect(first["line"] as? Int == 9)
        #expect(first["column"] as? Int == 7)
        #expect(first["condition"] as? String == "Accepted=False/NoMatchingParent")
        #expect((object["summary"] as? [String: Any])?["errors"] as? Int == 1)
    }

    @Test func sarifIsVersion210WithRules() throws {
        let run = try gwc(["lint", "--format", "sarif", "samples/broken/listener-conflict.yaml"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["version"] as? String == "2.1.0")
        let runs = try #require(object["runs"] as? [[String: Any]])
        let results = try #require(runs.first?["results"] as? [[String: Any]])
        #expect(results.contains { $0["ruleId"] as? String == "GW309" && $0["level"] as? String == "error" })
    }

    @Test func githubFormatWritesWorkflowCommands() throws {
        let run = try gwc(["lint", "--format", "github", "samples/broken/section-name-not-found.yaml"])
        #expect(run.stdout.contains("::error file=samples/broken/section-name-not-found.yaml,line=9,col=7,title=gwc GW301 no-matching-listener::"))
    }

    @Test func readsKubectlJSONFromStandardInput() throws {
        let json = """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
               "metadata": {"name": "r", "namespace": "default"},
               "spec": {"parentRefs": [{"name": "gw"}]}}]}
            """
        let run = try gwc(["lint", "-"], stdin: json)
        #expect(run.status == 1)
        #expect(run.stdout.contains("-:4:28: error[GW300]"))
    }

    @Test func conditionsPrintAKubectlStyleList() throws {
        let run = try gwc(["lint", "--conditions", "--format", "json", "samples/hermes-anthropic"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "List")
        let items = try #require(object["items"] as? [[String: Any]])
        let route = try #require(items.first { $0["kind"] as? String == "HTTPRoute" })
        let parents = try #require((route["status"] as? [String: Any])?["parents"] as? [[String: Any]])
        #expect(parents.first?["controllerName"] as? String == "agentgateway.dev/agentgateway")
        let yaml = try gwc(["lint", "--conditions", "samples/hermes-anthropic"])
        #expect(yaml.stdout.hasPrefix("apiVersion: v1\nkind: List\nitems:\n"))
        #expect(yaml.stdout.contains("attachedRoutes: 1"))
    }
}

@Suite("gwc build, inspect and route")
struct TableCommandTests {
    let cli = CLITests()

    func temporaryTable() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gwc-\(getpid())-\(UUID().uuidString).gwt").path
    }

    @Test func buildStrictRefusesWhatGwrunWouldNotEnforce() throws {
        let path = temporaryTable()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let strict = try cli.gwc(["build", "--strict", "samples/broken/not-enforced.yaml", "-o", path])
        #expect(strict.status == 1 && strict.stderr.contains("warning[GW420]") && strict.stderr.contains("(--strict)"))
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try cli.gwc(["build", "samples/broken/not-enforced.yaml", "-o", path]).status == 0)
    }

    @Test func buildRefusesOnErrorsUnlessAllowed() throws {
        let path = temporaryTable()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let refused = try cli.gwc(["build", "samples/broken/backend-not-found.yaml", "-o", path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error[GW305]"))
        #expect(!FileManager.default.fileExists(atPath: path))
        let allowed = try cli.gwc(["build", "--allow-errors", "samples/broken/backend-not-found.yaml", "-o", path])
        #expect(allowed.status == 0)
        let route = try cli.gwc(["route", path, "--port", "8080", "--path", "/", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(route.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 500, "the invalid backend's share answers 500")
        let backends = try #require(object["backends"] as? [[String: Any]])
        #expect(backends.first?["valid"] as? Bool == false)
        #expect(backends.first?["name"] as? String == "antropic")
    }

    @Test func routeJSONHasTheDocumentedFields() throws {
        let path = temporaryTable()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try cli.gwc(["build", "samples/hermes-anthropic", "-o", path]).status == 0)
        let run = try cli.gwc(["route", path, "--port", "8080", "--method", "POST", "--path", "/anthropic/chat/completions", "--format", "json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 200)
        #expect(object["gateway"] as? String == "agentgateway-system/agentgateway-hermes-route")
        #expect(object["listener"] as? String == "http")
        let route = try #require(object["route"] as? [String: Any])
        #expect(route["namespace"] as? String == "agentgateway-system" && route["name"] as? String == "claude" && route["rule"] as? Int == 0)
        let backend = try #require((object["backends"] as? [[String: Any]])?.first)
        #expect(backend["group"] as? String == "agentgateway.dev" && backend["kind"] as? String == "AgentgatewayBackend")
        #expect(backend["namespace"] as? String == "agentgateway-system" && backend["name"] as? String == "anthropic")
        #expect(backend["weight"] as? Int == 1 && backend["valid"] as? Bool == true)
        #expect(object["location"] is NSNull)
        let miss = try cli.gwc(["route", path, "--port", "8080", "--path", "/other", "--format", "json"])
        let missObject = try #require(try JSONSerialization.jsonObject(with: Data(miss.stdout.utf8)) as? [String: Any])
        #expect(missObject["status"] as? Int == 404 && missObject["route"] is NSNull)
    }

    @Test func routeCompilesManifestsInMemoryAndGivesRedirects() throws {
        let root = "Tests/GatewayCompilerTests/Fixtures/conformance/httproute-redirect-path"
        let run = try cli.gwc([
            "route", "\(root)/base.yaml", "\(root)/httproute-redirect-path.yaml", "--gateway-class", "{GATEWAY_CLASS_NAME}",
            "--port", "80", "--path", "/original-prefix/lemon", "--format", "json",
        ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(object["status"] as? Int == 302)
        #expect(object["location"] as? String == "http://192.0.2.1/replacement-prefix/lemon")
    }

    @Test func inspectShowsAndVerifies() throws {
        let path = temporaryTable()
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try cli.gwc(["build", "samples/hermes-anthropic", "-o", path]).status == 0)
        let text = try cli.gwc(["inspect", path])
        #expect(text.stdout.contains("gwc route table, write version 7, read version 7"))
        #expect(text.stdout.contains("key from Secret agentgateway-system/anthropic-secret[Authorization]"))
        #expect(!text.stdout.contains("fake-anthropic-key"))
        let json = try cli.gwc(["inspect", "--format", "json", path])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["header"] as? [String: Any])?["checksumAlgorithm"] as? String == "crc32c")
        #expect(try cli.gwc(["inspect", "--verify", path]).status == 0)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let corrupt = try cli.gwc(["inspect", "--verify", path])
        #expect(corrupt.status == 2)
        #expect(corrupt.stderr.contains("checksum mismatch"))
    }

    /// Two requests that differ only in the Gateway they reach used to be ordered by a set's
    /// iteration, which changes from one process to the next.
    @Test func diffReportsAreTheSameFromRunToRun() throws {
        let runs = try (0..<4).map { _ in try CLITests().gwc(["diff", "--allow-errors", "testing/faults", "Benchmarks/proxy"]).stdout }
        #expect(runs[0].contains("GET :8080 /plain"))
        #expect(Set(runs).count == 1, "the same inputs gave different reports")
    }
}
