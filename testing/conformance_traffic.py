#!/usr/bin/env python3
"""TEST TOOLING: the Gateway API conformance request cases, sent as real traffic through gwrun.

Runs inside a network namespace of its own (scripts/e2e-conformance.sh) whose /etc/hosts maps every
Service of the manifests, `NAME.NAMESPACE.svc.cluster.local`, to a loopback address of its own, where
an echo backend answers as the suite's echo server does: a JSON body with the request's path, host,
method and headers and the backend's namespace and pod, and the response headers a request asks
for with `X-Echo-Set-Header: Name:value,...`. For each test folder with request cases (cases.json,
from the suite's Go tests): build the table with gwc, start one gwrun per Gateway, send each case's
request, and check what the suite checks: status, the backend reached, the request the backend got,
the answer's headers, a redirect's Location, a weighted split.

usage: conformance_traffic.py GWC GWRUN HOSTS_FILE FIXTURES_DIR [FIXTURES_DIR ...]
(CONFORMANCE_ONLY=name,name runs only those tests.)
Prints one line per test and `conformance traffic: N passed, N failed`.
"""
import http.client, http.server, json, os, socket, subprocess, sys, tempfile, threading, time, urllib.parse
import yaml

GWC, GWRUN, HOSTS = sys.argv[1:4]
ROOTS = sys.argv[4:]
ONLY = set(filter(None, os.environ.get("CONFORMANCE_ONLY", "").split(",")))
SEEN = []  # (backend, path) of every request an echo backend got: mirrors are checked against it
CLASS = "gwc-conformance"
PORT_OFFSET_BASE = 27000


class Echo(http.server.BaseHTTPRequestHandler):
    """The suite's echo backend (echo-basic): what it was asked, and who answered."""
    protocol_version = "HTTP/1.1"
    namespace = service = ""

    def log_message(self, *args):
        pass

    def answer(self):
        SEEN.append((f"{self.namespace}/{self.service}", self.path))
        length = int(self.headers.get("content-length") or 0)
        if length:
            self.rfile.read(length)
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name, []).append(value)
        body = json.dumps({"path": self.path, "host": self.headers.get("host", ""), "method": self.command, "proto": "HTTP/1.1",
                           "headers": headers, "namespace": self.namespace, "ingress": "", "service": self.service,
                           "pod": f"{self.service}-pod"}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for pair in filter(None, (self.headers.get("X-Echo-Set-Header") or "").split(",")):
            name, _, value = pair.partition(":")
            self.send_header(name.strip(), value.strip())
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = answer

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()


def documents(folder, names):
    docs = []
    for name in names:
        text = open(os.path.join(folder, name)).read().replace("{GATEWAY_CLASS_NAME}", CLASS)
        docs += [doc for doc in yaml.safe_load_all(text) if doc]
    return docs


def start_echoes(docs, hosts, servers, next_address):
    """An echo server for every Service port, on an address of its own named in the hosts file."""
    for doc in docs:
        if doc.get("kind") != "Service":
            continue
        namespace, name = doc["metadata"].get("namespace", "default"), doc["metadata"]["name"]
        fqdn = f"{name}.{namespace}.svc.cluster.local"
        if fqdn not in hosts:
            hosts[fqdn] = f"127.0.{next_address[0] // 250 + 1}.{next_address[0] % 250 + 1}"
            next_address[0] += 1
        for port in doc.get("spec", {}).get("ports", []):
            key = (hosts[fqdn], port["port"])
            if key in servers:
                continue
            handler = type("EchoFor", (Echo,), {"namespace": namespace, "service": name})
            server = http.server.ThreadingHTTPServer(key, handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[key] = server


def write_hosts(hosts):
    with open(HOSTS, "w") as out:
        out.write("127.0.0.1 localhost\n")
        for name, address in sorted(hosts.items()):
            out.write(f"{address} {name}\n")


def send(port, spec):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = dict(spec.get("headers") or {})
    headers["Host"] = spec.get("host") or "192.0.2.1"
    if spec.get("echoSetResponseHeaders"):
        headers["X-Echo-Set-Header"] = ",".join(f"{k}:{v}" for k, v in spec["echoSetResponseHeaders"].items())
    path = spec.get("path", "/") + (("?" + spec["query"]) if spec.get("query") else "")
    connection.request(spec.get("method", "GET"), path, headers=headers)
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, body


def check(case, port):
    spec, expect = case["request"], case["expect"]
    label = f'{spec.get("method", "GET")} {spec.get("host") or ""}{spec.get("path")} {spec.get("headers") or ""}'
    if "distribution" in expect:
        samples = expect.get("samples", 500)
        counts = {}
        for _ in range(samples):
            status, _, body = send(port, spec)
            if status != 200:
                return f"{label}: a weighted request got {status}"
            echo = json.loads(body)
            key = f'{echo["namespace"]}/{echo["service"]}'
            counts[key] = counts.get(key, 0) + 1
        for backend, share in expect["distribution"].items():
            observed = counts.get(backend, 0) / samples
            if abs(observed - share) > expect.get("tolerance", 0.05) + 0.02:  # the suite retries; one run gets a little slack
                return f"{label}: {backend} got {observed:.2f}, expected {share} ± {expect.get('tolerance', 0.05)}"
        return None
    if expect.get("mirroredTo"):
        # A query of its own, as the suite adds a request id, tells this request's copies apart.
        spec = dict(spec, query=f"request-id={time.monotonic_ns()}")
    status, headers, body = send(port, spec)
    statuses = expect.get("statuses") or [expect.get("status", 200)]
    if status not in statuses:
        return f"{label}: status {status}, expected {statuses}"
    if expect.get("backend"):
        echo = json.loads(body)
        if f'{echo["namespace"]}/{echo["service"]}' != expect["backend"]:
            return f'{label}: reached {echo["namespace"]}/{echo["service"]}, expected {expect["backend"]}'
        sent = expect.get("backendRequest") or {}
        if sent.get("path") and urllib.parse.urlsplit(echo["path"]).path != sent["path"]:
            return f'{label}: backend got path {echo["path"]}, expected {sent["path"]}'
        if sent.get("host") and echo["host"] != sent["host"]:
            return f'{label}: backend got Host {echo["host"]}, expected {sent["host"]}'
        got = {k.lower(): ",".join(v) for k, v in echo["headers"].items()}
        for name, value in (sent.get("headers") or {}).items():
            if got.get(name.lower()) != value:
                return f"{label}: backend got header {name}: {got.get(name.lower())}, expected {value}"
        for name in sent.get("absentHeaders") or []:
            if name.lower() in got:
                return f"{label}: backend got header {name}, which should be absent"
    for name, value in (expect.get("responseHeaders") or {}).items():
        if headers.get(name.lower()) != value:
            return f"{label}: answer header {name}: {headers.get(name.lower())}, expected {value}"
    for name, values in (expect.get("responseHeaderValues") or {}).items():
        squeeze = lambda text: "".join((text or "").split())
        if squeeze(headers.get(name.lower())) not in [squeeze(value) for value in values]:
            return f"{label}: answer header {name}: {headers.get(name.lower())}, expected one of {values}"
    for backend in expect.get("mirroredTo") or []:
        target = spec.get("path", "/") + "?" + spec["query"]
        for _ in range(50):
            if (backend, target) in SEEN:
                break
            time.sleep(0.05)
        else:
            return f"{label}: no copy reached the mirror {backend}"
    for name in expect.get("absentResponseHeaders") or []:
        if name.lower() in headers:
            return f"{label}: answer header {name} should be absent"
    if expect.get("redirect"):
        location = urllib.parse.urlsplit(headers.get("location", ""))
        want = expect["redirect"]
        default_port = 443 if location.scheme == "https" else 80
        got = {"scheme": location.scheme, "host": location.hostname, "path": location.path, "port": location.port}
        if want.get("scheme") and got["scheme"] != want["scheme"] or want.get("path") and got["path"] != want["path"]:
            return f"{label}: Location {headers.get('location')}, expected {want}"
        if want.get("host") and got["host"] != want["host"]:
            return f"{label}: Location {headers.get('location')}, expected host {want['host']}"
        if (want.get("port") or None) != (got["port"] if got["port"] != default_port else None):
            return f"{label}: Location {headers.get('location')}, expected port {want.get('port')}"
    return None


def run_test(folder, spec, hosts, servers, next_address, work, serial):
    docs = documents(folder, spec["manifests"])
    start_echoes(docs, hosts, servers, next_address)
    write_hosts(hosts)
    variants = {}
    for case in spec["cases"]:
        if "request" in case:
            deleted = tuple(sorted((d["kind"], d.get("namespace"), d["name"]) for d in case.get("afterDeleting", [])))
            variants.setdefault(deleted, []).append(case)
    failures = []
    for deleted, cases in variants.items():
        kept = [d for d in docs if (d.get("kind"), d["metadata"].get("namespace"), d["metadata"]["name"]) not in deleted]
        source = os.path.join(work, f"manifests-{serial}.yaml")
        with open(source, "w") as out:
            yaml.safe_dump_all(kept, out)
        table = os.path.join(work, f"table-{serial}.gwt")
        built = subprocess.run([GWC, "build", source, "-o", table, "--gateway-class", CLASS, "--allow-errors"], capture_output=True, text=True)
        if built.returncode != 0:
            return [f"gwc build failed: {built.stderr[-400:]}"]
        gateways = sorted({case["request"]["gateway"] for case in cases})
        processes, ports = [], {}
        for index, gateway in enumerate(gateways):
            offset = PORT_OFFSET_BASE + 100 * index
            admin = 26950 + index
            process = subprocess.Popen([GWRUN, "--table", table, "--gateway", gateway, "--listen-address", "127.0.0.1", "--port-offset", str(offset),
                                        "--admin-port", str(admin)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            processes.append(process)
            ports[gateway] = offset
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", admin), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.05)
        try:
            for case in cases:
                request = case["request"]
                problem = check(case, ports[request["gateway"]] + request.get("port", 80))
                if problem:
                    failures.append(problem)
        finally:
            for process in processes:
                process.kill()
                process.wait()
        serial += 1
    return failures


def main():
    hosts, servers, next_address = {}, {}, [0]
    passed = failed = cases = 0
    with tempfile.TemporaryDirectory() as work:
        folders = [(root, name) for root in ROOTS for name in sorted(os.listdir(root))]
        for serial, (root, name) in enumerate(folders):
            path = os.path.join(root, name, "cases.json")
            if not os.path.exists(path) or (ONLY and name not in ONLY):
                continue
            spec = json.load(open(path))
            requests = [c for c in spec["cases"] if "request" in c]
            if not requests:
                continue
            failures = run_test(os.path.join(root, name), spec, hosts, servers, next_address, work, serial * 10)
            cases += len(requests)
            if failures:
                failed += 1
                print(f"FAIL {name}: " + "; ".join(failures[:3]))
            else:
                passed += 1
                print(f"ok   {name}: {len(requests)} request cases")
    print(f"conformance traffic: {passed} passed, {failed} failed ({cases} request cases)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
