#!/usr/bin/env python3
"""Writes docs/diagnostics.md: every code of the catalogue (Sources/GatewayCompiler/Diagnostics/
DiagnosticCode.swift) with its meaning and fix (below), and, where samples/broken has a case for
it, the case and what gwc prints for it. usage: gen-diagnostics-doc.py path/to/gwc
"""
import glob, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GWC = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "debug", "gwc")

EXPLAIN = {
"GW100": ("A file or directory named on the command line does not exist or cannot be read. gwc exits 2.", "Check the path and permissions."),
"GW101": ("libyaml cannot parse the text: bad indentation, an unclosed quote or bracket, a stray character. Nothing after the error in that file is read.", "Fix the line shown; siblings in a mapping must start in the same column."),
"GW102": ("The JSON text is not valid (jansson's message says why).", "Fix the syntax at the position shown."),
"GW103": ("A mapping names the same key twice. Kubernetes keeps the last value, other tools the first, so the two disagree about the object.", "Keep one of the two keys."),
"GW104": ("A tab character where YAML expects indentation. YAML forbids tabs there.", "Indent with spaces."),
"GW105": ("The bytes are not valid UTF-8 (Kubernetes and Hermes read only UTF-8).", "Save the file as UTF-8."),
"GW106": ("Aliases expand to more than 100,000 nodes: a \"billion laughs\" document. gwc stops reading the file instead of hanging.", "Write repeated values out, or use fewer nested aliases."),
"GW107": ("Mappings and lists nest deeper than 256 levels. No Kubernetes object or Hermes config needs that; the limit keeps hostile input from exhausting gwc.", "Flatten the structure."),
"GW108": ("A document between two `---` separators is empty. A trailing `---` at the end of a file is not reported.", "Remove the extra `---`."),
"GW109": ("A YAML construct gwc does not accept: a mapping key that is itself a mapping or list, or an alias to an anchor not defined before it.", "Use plain string keys; define anchors before their aliases."),
"GW110": ("A document has neither `apiVersion`/`kind` nor any Hermes key (`model`, `providers`, ...), so gwc cannot tell what it is; it is skipped.", "Add `apiVersion` and `kind`, or remove the file from the inputs."),
"GW111": ("A Kubernetes kind gwc does not model (Deployment, ConfigMap, ...). It is skipped and counted in the summary.", "Nothing to do; shown as a note."),
"GW200": ("A field the kind's schema (its CRD) requires is missing.", "Add the field."),
"GW201": ("A value has the wrong type for its field: text where a number is expected (often a quoted port), a number where text is expected, a list where a mapping is expected.", "Follow the help line: remove or add quotes, or change the shape."),
"GW202": ("A field that the kind's schema does not define; Kubernetes drops it silently, so whatever it was meant to do does not happen. gwc names the nearest known field.", "Rename it to the suggested field, or remove it."),
"GW203": ("A value outside what the field accepts, such as a duration that is not GEP-2257 (`1.5s`), or a backend request timeout longer than the request timeout.", "Use the form shown in the help line."),
"GW204": ("An enum field has a value its CRD does not list. In an HTTPRoute a controller rejects the route (Accepted=False/UnsupportedValue).", "Use one of the allowed values listed in the message."),
"GW205": ("Two documents define the same kind, namespace and name; `kubectl apply` keeps the last one. gwc checks the first.", "Remove one of them."),
"GW206": ("A known kind with an apiVersion that is not served (for example `gateway.networking.k8s.io/v1alpha2` HTTPRoute).", "Use the apiVersion the message names."),
"GW207": ("An Exact or PathPrefix path value that Gateway API forbids: no leading `/`, `//`, `/./`, `%2F`, `#` or characters outside the allowed set. The rule is rejected.", "Write an absolute, normalised path."),
"GW208": ("A hostname that is not a lower-case RFC 1123 name with an optional leading `*.`; IP addresses and ports are not allowed.", "Write the name in lower case, without scheme or port."),
"GW209": ("Two listeners of one Gateway share a name; parentRefs by sectionName become ambiguous.", "Give each listener a unique name."),
"GW300": ("A parentRef names a Gateway that is not among the inputs. The route is served by nothing (Accepted=False/NoMatchingParent).", "Fix the Gateway name or namespace (gwc suggests the nearest)."),
"GW301": ("The Gateway exists, but no listener has the parentRef's sectionName and/or port (Accepted=False/NoMatchingParent).", "Name an existing listener."),
"GW302": ("The listeners the parentRef selects do not allow routes from the route's namespace (`allowedRoutes.namespaces.from` is Same, or a Selector that does not match) (Accepted=False/NotAllowedByListeners).", "Allow the namespace on the listener, or move the route."),
"GW303": ("The listeners the parentRef selects do not allow HTTPRoute (a TCP or TLS listener, or `allowedRoutes.kinds` without HTTPRoute) (Accepted=False/NotAllowedByListeners).", "Attach to an HTTP/HTTPS listener or allow the kind."),
"GW304": ("Both the route and the listeners name hostnames, and none intersect (Accepted=False/NoMatchingListenerHostname).", "Add a hostname the listener accepts, or drop the route's hostnames."),
"GW305": ("A backendRef names a Service or AgentgatewayBackend that does not exist; its share of the traffic gets HTTP 500 (ResolvedRefs=False/BackendNotFound). Controllers report only the last bad reference of a rule; gwc reports each.", "Fix the name (gwc suggests the nearest) or create the backend."),
"GW306": ("A backendRef's group/kind is neither a core Service nor an agentgateway.dev AgentgatewayBackend (ResolvedRefs=False/InvalidKind).", "Reference a Service or an AgentgatewayBackend."),
"GW307": ("A backendRef to another namespace without a ReferenceGrant there that matches exactly (from group, kind and namespace; to group, kind and name) (ResolvedRefs=False/RefNotPermitted).", "Add the ReferenceGrant in the target namespace, as the help line spells it."),
"GW308": ("A Service backendRef without `port` (the CRD's CEL rejects it; agentgateway reports UnsupportedValue).", "Add `port:` with one of the Service's ports."),
"GW309": ("Two listeners share a port and cannot be told apart: same protocol and hostname, or incompatible protocols. Neither is served (Conflicted=True).", "Change a port or hostname."),
"GW310": ("A listener's certificateRef names something other than a core Secret, a Secret that does not exist, or one without PEM `tls.crt` and `tls.key` (ResolvedRefs=False/InvalidCertificateRef).", "Reference a kubernetes.io/tls Secret."),
"GW311": ("A certificateRef to a Secret in another namespace without a ReferenceGrant from Gateway (ResolvedRefs=False/RefNotPermitted).", "Add the ReferenceGrant in the Secret's namespace."),
"GW312": ("`allowedRoutes.kinds` names a kind the listener's protocol cannot serve; supportedKinds lists only the valid ones (ResolvedRefs=False/InvalidRouteKinds).", "Allow only kinds of the listener's protocol."),
"GW313": ("A listener protocol agentgateway does not serve (UDP, custom protocols) (Accepted=False/UnsupportedProtocol).", "Use HTTP or HTTPS (or TLS, TCP)."),
"GW315": ("Filters that cannot be combined: RequestRedirect with URLRewrite, a filter type twice, a redirect with backendRefs, or ReplacePrefixMatch without exactly one PathPrefix match (Accepted=False/IncompatibleFilters).", "Keep one filter, or split the rule."),
"GW316": ("A Service backendRef's port is not one of the Service's ports; connections will fail.", "Use one of the ports the message lists."),
"GW317": ("A rule with neither backendRefs nor filters: every request it matches gets HTTP 500.", "Add a backendRef."),
"GW319": ("Every backendRef of a rule has weight 0, so the rule sends nothing anywhere: requests get HTTP 500.", "Give a backendRef a positive weight."),
"GW320": ("Several parentRefs to one Gateway without distinct sectionNames; the CRD rejects this.", "Set a different sectionName on each, or merge them."),
"GW321": ("TLS listeners on one port whose hostnames overlap (one wildcard covers the other): a client may be served either certificate (OverlappingTLSConfig=True/OverlappingHostnames).", "Make certificates and hostnames line up one to one."),
"GW322": ("An HTTPRoute with no parentRefs attaches to no Gateway and serves nothing.", "Add spec.parentRefs."),
"GW323": ("One rule of a route is invalid and dropped; the route's other rules are still served (PartiallyInvalid=True). Shown as a note beside the rule's own error.", "Fix the rule the note points to."),
"GW324": ("An HTTPS listener's `kubernetes.io/tls` Secret cannot be served: `tls.crt` holds no parseable PEM certificate, `tls.key` no unencrypted PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA), or the key is not the first certificate's key. Checked with swift-certificates; the listener gets ResolvedRefs=False/InvalidCertificateRef, and gwrun refuses to start with it (it never serves an HTTPS listener in cleartext). Reported at the Secret's `tls.crt`, with the certificateRef as a note; no key material is printed.", "Issue the certificate and key again as one pair: tls.crt the leaf first, then its issuers; tls.key its unencrypted key."),
"GW325": ("The listener's certificate does not cover its hostname: no subjectAltName DNS name equals it, and no one-label wildcard (`*.example.com` covers `api.example.com`, not `a.b.example.com`) matches. A wildcard listener needs the same wildcard. Clients that check names (all of them) refuse the connection. Certificates without subjectAltName are reported too: clients ignore the common name.", "Issue a certificate whose subjectAltName names the listener's hostname."),
"GW326": ("The listener's certificate has expired (notAfter is past) or is not valid yet (notBefore is ahead). Checked against the clock, or against `GWC_NOW` (`YYYY-MM-DD`) when set, so that a report can be reproduced.", "Renew the certificate and update the Secret."),
"GW327": ("The listener's certificate expires within 14 days.", "Renew it now; cert-manager renews 30 days ahead by default."),
"GW328": ("`tls.crt` holds a chain whose certificates are out of order: each certificate after the first must have issued the one before it (its subject is the previous one's issuer). Clients that do not reorder fail to build the chain.", "Write the leaf first, then the certificate that issued it, and so on up to (not including) the root."),
"GW329": ("How many more days the listener's certificate is valid, for certificates that are fine; a note, so that `gwc lint` shows when renewal is due.", "Nothing to fix."),
"GW400": ("An AgentgatewayBackend's `policies.auth.secretRef` names a Secret that does not exist. agentgateway fails the whole backend (Accepted=False/TranslationError) and every route to it answers 500.", "Create the Secret or fix the name (gwc suggests the nearest)."),
"GW401": ("The auth Secret exists but lacks the key agentgateway reads: `Authorization` by default, `secretRef.key` when set (Accepted=False/TranslationError).", "Store the credential under that key, or name the key in `secretRef.key`."),
"GW402": ("The auth Secret's value is empty (or only `Bearer `) (Accepted=False/TranslationError).", "Put the provider's key there."),
"GW403": ("A spec sets none or several of fields that exclude each other: backend kinds (`ai`, `static`, `mcp`, ...), `ai.provider`/`ai.groups`, provider kinds, auth forms, `rateLimit.local` requests/tokens (Accepted=False/TranslationError).", "Keep exactly one, as the message says."),
"GW404": ("A Gateway whose GatewayClass is not agentgateway's (or a GatewayClass whose controller is another), so agentgateway does not program it.", "Set `gatewayClassName: agentgateway`, or check the Gateway with its own controller's tools; `--gateway-class NAME` adds a class name."),
"GW405": ("An AgentgatewayPolicy targetRef names an object (or listener section) that does not exist, so the policy enforces nothing. agentgateway reports such policies as attached; gwc does not (Attached=False/Pending).", "Fix the target's group, kind and name; targets are looked up in the policy's namespace."),
"GW406": ("An AgentgatewayPolicy setting agentgateway rejects, such as a policy with none of `frontend`, `traffic` and `backend`.", "Add the settings the policy is meant to apply."),
"GW407": ("An AI provider endpoint override that agentgateway rejects: `host` without `port` (or the reverse), `path` with `pathPrefix`, `pathPrefix` without `host` or on a provider other than openai/anthropic (Accepted=False/TranslationError).", "Follow the message."),
"GW408": ("A prompt-guard regular expression that does not compile, so the guard cannot match.", "Escape special characters with a backslash."),
"GW409": ("An AI provider's `host` override names a host beyond loopback and private networks (a public name such as `api.openai.com`, or a public address). gwrun calls a host override over plain HTTP (TLS to providers is used for their default endpoints only, until backend TLS policies are built), so the backend's credential and every prompt would cross the network in clear; a TLS port would not even answer.", "Remove `host` and `port` to use the provider's own endpoint over TLS, or point them at a proxy inside the cluster or LAN that adds TLS."),
"GW700": ("A Deployment whose pod runs gwrun (its command or first argument is `gwrun`, or its image is named gwrun) passes an argument gwrun does not accept: an option `gwrun serve --help` does not list, an option without its value, or a bare word. gwrun would exit at start with a usage error, and a rollout would stall on pods that never become ready.", "Correct the option's name (the message suggests the closest), or write it as `--name=value`."),
"GW701": ("The container's readiness or liveness probe does not ask gwrun's admin listener what it should: readiness must ask `/readyz` (it answers once the table is loaded, and 503 while gwrun drains), liveness `/healthz`, both on the port of `--admin-port` (a number, or the name of a container port with that number). Without `--admin-port` gwrun has no admin listener and every probe fails.", "Give gwrun `--admin-port=9901` and probe `httpGet: {path: /readyz, port: 9901}` (liveness: `/healthz`)."),
"GW702": ("The gwrun container has no readiness probe (a new replica gets traffic before its table is loaded, and a draining one keeps getting it) or no liveness probe (a wedged gwrun is never restarted).", "Add `readinessProbe: {httpGet: {path: /readyz, port: <admin port>}}` and `livenessProbe: {httpGet: {path: /healthz, port: <admin port>}}`."),
"GW703": ("On SIGTERM gwrun stops accepting and lets requests in flight finish for up to 10 seconds (its drain); the kubelet first runs the container's `preStop` (a sleep, while the endpoints are updated). `terminationGracePeriodSeconds` (30 when absent) must exceed the two together, or the kubelet kills gwrun with requests still in flight and their clients see cut answers.", "Set `terminationGracePeriodSeconds` above the preStop wait plus 10, such as 30 with a 5 s preStop sleep."),
"GW704": ("A file gwrun reads (`--table`, `--secrets-dir`, `--redis-password-file`, `--upstream-ca-file`) or writes (`--audit-log`) is under none of the container's `volumeMounts`: the image carries no table, Secret or CA file, and with a read-only root file system the audit log cannot be written. gwrun would exit at start.", "Mount the ConfigMap, Secret or volume at a directory that holds the path, or point the option at a mounted path."),
"GW705": ("The Deployment runs several gwrun replicas without `--redis`, and the inputs hold rate limits (`traffic.rateLimit.local`). Each replica keeps its own buckets, so N replicas together let through N times each limit.", "Give gwrun `--redis redis://HOST:PORT` (and `--redis-password-file`) so that every replica shares one set of buckets (docs/redis.md), or run one replica."),
"GW706": ("A Secret volume is mounted under `--secrets-dir` at a path other than `<secrets-dir>/<namespace>/<secret name>`, where gwrun reads a Secret's keys (`<secrets-dir>/<namespace>/<name>/<key>`): gwrun would not find it and the references to it stay unresolved.", "Mount the Secret at `<secrets-dir>/<namespace>/<secret name>`."),
"GW410": ("A backend with several providers (`ai.groups`) fails a request over to the next provider when one refuses connections, answers 5xx or 429; the next must serve the request's route type too. This provider cannot serve a route type the backend's `routes` use (or Completions, the default), while another provider of the backend can: a request that fails over to it is answered 400 instead of being served. gwrun serves Completions, Messages, Responses and Embeddings on openai providers, and Completions, Messages, Responses, Passthrough and AnthropicTokenCount on anthropic ones.", "Keep providers that serve every route type the backend uses in its groups, or route the paths of that type to a backend of their own."),
"GW420": ("A setting gwc reads and gwrun does not act on yet: a remote JWT key set without a `url` or Service, prompt guards other than `regex` ones (and their `scope`), CEL expressions and the other policy fields gwrun does not enforce (every field of an AgentgatewayPolicy's `traffic`, `backend` and `frontend`, and of a backend's `policies`, except request timeouts, `rateLimit.local`, API-key, basic and JWT authentication, regex prompt guards, `cors`, `retry`, `headerModifiers`, `directResponse`, `hostRewrite`, `auth.secretRef`, `auth.passthrough` and `ai.routes`: docs/policies.md), `frontend` fields other than `tls`, `networkAuthorization`, `proxyProtocol` and `tracing` (within `tls`, TLS 1.3 cipher suite subsets BoringSSL cannot honour and ALPN protocols other than http/1.1; within `tracing`, OTLP/gRPC (the CRD's default protocol), a `backendRef` other than a Service in the policy's namespace, a policy limited to one port, sampling expressions other than constants, and `attributes`, `resources` and `filter`), listeners gwrun does not serve (TLS, TCP, HTTPS Passthrough: no socket is bound) and the route kinds they carry (TLSRoute, TCPRoute, UDPRoute; GRPCRoute too), certificateRefs beyond a listener's first, a `gwc.dev/exposure` value other than `lan`, a `gwc.dev/audit-content` value other than `true`, ExtensionRef filters, a URLRewrite on a rule to an AI backend, a filter on a backendRef other than header modifiers, URLRewrite and RequestMirror, a failover group provider's own `policies` other than `auth` (gwrun takes routes, guards and timeouts from the backend's), provider kinds other than openai and anthropic, backend kinds other than ai and static. Requests pass as if the setting were absent; gwc says so rather than let it look applied. The exceptions are authentication settings gwrun cannot read a credential with (a CEL `location.expression`, `configMapSelector`, `jwks.remote`): there the policy finds no credential or key, so Strict mode refuses every request.", "Do not rely on it until gwrun enforces it; docs/runtime.md lists what is not done yet."),
"GW421": ("Two AgentgatewayPolicies set one field (`traffic.rateLimit`, `traffic.apiKeyAuthentication`, ...) on one target. Policies merge per field, the more specific attachment winning (Gateway, listener, HTTPRoute, rule, backend); at one level only one can win. agentgateway keeps one of them without saying which while both report Accepted; gwc build, gwrun and `gwc route` apply the first by namespace/name, and gwc reports the other.", "Merge the settings into one policy, or attach them to different targets."),
"GW422": ("The Secret a client authentication policy reads is not among the inputs (gwrun then refuses to start: the Secret is missing under --secrets-dir too), a basic-auth Secret lacks its htpasswd key (`.htaccess` unless `secretRef.key` says otherwise), a `secretSelector` selects no Secret (no key is accepted), or it selects a Secret holding an `Authorization` key, a provider credential that would become a client key. The missing Secret and key are checked only when some Secrets are given to gwc; a `secretSelector` with no Secrets given at all is reported too, since `gwc build` resolves the selector from them.", "Create the Secret or correct its name; label only the Secrets of client keys."),
"GW423": ("An AgentgatewayPolicy's `frontend.networkAuthorization` expression is CEL that gwc cannot compile into address ranges. gwrun decides these rules when it accepts a connection, before reading a byte, so the only input is the client address: gwc compiles `cidr('NETWORK').containsIP(source.address)` tests (IPv4 or IPv6, an address without a prefix length is a single host), `true`, `false`, `!`, `&&`, `||` and parentheses, into the table. Anything else (a header, `source.port`, a function) is an error, never a rule that silently matches nothing; `gwc build` writes no table.", "Write the rule as CIDR tests on the client address joined with &&, || and !; put request-level checks in `traffic.authorization`."),
"GW500": ("A credential written into a manifest or Hermes config (`policies.auth.key`, or an `api_key` that looks like a real key). It ends up in Git, logs and diffs.", "Use a Secret with `secretRef`, or Hermes' `key_env` / `${VAR}`."),
"GW501": ("A Secret value that is a placeholder, not a credential: an unexpanded shell variable (`$ANTHROPIC_API_KEY` from a quoted heredoc or an unset variable), a template, a filler word, or empty. The provider rejects the first call.", "Create the Secret with the real value (`kubectl create secret generic ... --from-literal=...`)."),
"GW502": ("A Secret `data` value that is not base64. The value is never printed.", "Base64-encode it, or move it to `stringData`."),
"GW503": ("A Secret's name or one of its data keys, or a reference to one (`secretRef.name`, `secretRef.key`), that Kubernetes would refuse: names are lower-case DNS names, keys only letters, digits, `-`, `_` and `.` (not `.` or `..`). A key such as `../../etc/passwd` would make a reader of the mounted Secret leave its directory; gwc build leaves such a reference out of the table, the table verifier refuses one, and gwrun never reads outside `--secrets-dir`.", "Rename the Secret or key to what `kubectl create secret` accepts."),
"GW600": ("A Hermes endpoint's URL uses a port on which no Gateway listens.", "Use a listener port in base_url."),
"GW601": ("The request Hermes sends (its base_url plus the suffix of its api_mode) matches no attached route: the gateway answers 404.", "Add a route match for the path, or change base_url/api_mode."),
"GW602": ("The route reaches a backend that treats the path as another request format than Hermes sends (agentgateway's route types: every path is Completions unless `policies.ai.routes` says otherwise), so the gateway answers 400.", "Change api_mode, or add the path to the backend's policies.ai.routes."),
"GW603": ("A `providers:` entry, and no `model:` block names a provider: Hermes does not start (\"isn't configured yet\"). The seed how-to's snippet alone hits this. (When a `model:` block names another provider, the entry is only unused: GW613.)", "Add a model block naming the provider, as the help line shows."),
"GW604": ("The backend pins a model (`model:` on its provider), so the model Hermes asks for is replaced.", "Ask for the pinned model, or remove the override."),
"GW605": ("No api_mode is set, and Hermes guesses one from the URL (a path ending in /anthropic means Anthropic Messages) that the route does not serve: every request Hermes sends there is refused.", "Set api_mode explicitly (usually chat_completions)."),
"GW606": ("A route sends traffic to an AI provider with the gateway's own key, and no client authentication that gwrun enforces covers it on its listener: anyone who reaches the port spends the key. What counts: an AgentgatewayPolicy with API-key, basic or JWT authentication in Strict mode on the route, on each of its rules that reach an AI backend, or on its Gateway or listener; or the Gateway's `gwc.dev/exposure: lan` annotation, which gwrun enforces by closing connections from beyond the LAN. Optional and Permissive modes, which let clients without a credential through, are named in a note and do not silence this.", "Attach an AgentgatewayPolicy with `traffic.apiKeyAuthentication` (or basic or JWT authentication) in Strict mode, or annotate the Gateway `gwc.dev/exposure: lan`."),
"GW607": ("A Hermes base_url without scheme and host (after ${VAR} expansion); Hermes drops it.", "Write a full URL."),
"GW608": ("An api_mode (or transport) value Hermes does not know; Hermes ignores it silently and guesses from the URL.", "Use chat_completions, codex_responses or anthropic_messages."),
"GW609": ("Where a Hermes endpoint's requests go: method, URL, api_mode, route and rule, backend, provider and model.", "Information; `--quiet` hides notes."),
"GW610": ("model.provider names neither a `providers:` entry nor a built-in provider.", "Fix the name (gwc suggests the nearest)."),
"GW611": ("A Hermes endpoint outside the gateway: a public provider host, or no Gateway among the inputs to check it against.", "Information."),
"GW612": ("A `${VAR}` in a Hermes URL is not set in gwc's environment; Hermes would keep it verbatim.", "Export the variable (or put it in $HERMES_HOME/.env) before running gwc and Hermes."),
"GW613": ("A `providers:` entry that no `model.provider` selects while the `model:` block names another provider: Hermes sends it no traffic, so whatever it reaches is not checked as a live path.", "Select it with `model.provider`, or remove the entry."),
"GW614": ("The route a Hermes endpoint reaches authenticates its clients (an AgentgatewayPolicy with API-key, basic or JWT authentication in Strict or Optional mode), and the key Hermes sends would be refused: its `api_key` is none of the keys in the policy's Secrets (compared as gwrun compares them: raw keys, `key` and `sha256:` `keyHash` entries), the policy takes basic credentials or reads keys elsewhere than `Authorization: Bearer`, where Hermes's OpenAI-format modes send it, or a JWT policy gets something that is not a JWT. The seed's `api_key: dummy` (\"any non-empty string; route has no client-auth policy\") is exactly this once a policy is added. Checked only when the Secrets are among the inputs and the key is not from the environment; with a key the policy holds, GW609 names the client it authenticates as.", "Set the provider's `api_key` (or its variable) to one of the client keys; the fix names the Secret's entries, never a value."),
"GW615": ("A Hermes listener that anyone who reaches it may use: the webhook (`platforms.webhook`, enabled), which binds every interface unless `extra.host` names one, with no `extra.secret`, or with `secret: INSECURE_NO_AUTH`, which Hermes refuses off loopback. Whoever reaches the port triggers the agent, with its tools and keys.", "Bind `host: 127.0.0.1`, or set an HMAC `secret` from the environment."),
"GW616": ("The Hermes API server (`platforms.api_server`, enabled) has no `extra.key`, or one shorter than 16 characters or a placeholder: Hermes refuses to start the API server (even on loopback). The key is never printed; the snippet shows it redacted.", "Set `key: ${API_SERVER_KEY}` and export a random key of 32 characters or more."),
"GW617": ("A Hermes setting Hermes does not read: the top-level `api_server:` block's `host`, `port` and `key` (Hermes reads only its `enabled`; the server keeps binding 127.0.0.1:8642). The config looks like it moves or protects the server, and does not.", "Set them under `platforms.api_server.extra` (or the API_SERVER_* variables)."),
"GW618": ("Hermes reaches a server beyond loopback, private (RFC 1918, RFC 6598, link-local, IPv6 ULA) and cluster-internal networks over plain `http://`: an MCP server (`mcp_servers.<name>.url`) or a provider's `base_url`. Prompts, tool results and keys travel in clear.", "Use `https://`, or reach the server through the gateway on the LAN."),
}

def main():
    src = open(os.path.join(ROOT, "Sources/GatewayCompiler/Diagnostics/DiagnosticCode.swift")).read()
    codes = re.findall(r'DiagnosticCode\("(GW\d+)", "([a-z0-9-]+)", \.(\w+), "([^"]+)"\)', src)
    examples = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "samples/broken/*"))):
        if path.endswith(".expect"):
            continue
        header = open(path + ".expect").read() if os.path.exists(path + ".expect") else open(path).readline()
        m = re.search(r"(GW\d+)", header)
        if m:
            examples.setdefault(m.group(1), path)
    groups = {"1": "Reading and parsing input", "2": "Structure of known kinds", "3": "Gateway API references and attachment",
              "4": "agentgateway", "5": "Secrets", "6": "Hermes clients against the gateway", "7": "gwrun's own deployment (a Deployment running gwrun)"}
    out = [
        "# gwc diagnostics", "",
        "<!-- Generated by scripts/gen-diagnostics-doc.py; edit the script, not this file. -->", "",
        "Every diagnostic has a stable code (`GW` and three digits), a severity, a message, a primary",
        "location (`file:line:column`, the column counted in characters), notes with their own locations,",
        "an optional fix (`help:`), the object it is about and, where a controller would write one, the",
        "status condition (`Accepted=False/NoMatchingParent`). Match on codes, not on wording.", "",
        "Severities: `error` (exit 1), `warning` (exit 1 only with `--strict`), `note` (information; `--quiet` hides notes).",
        "No message ever contains a secret's value.", "",
        "## Output formats", "",
        "- `text` (default): `file:line:col: severity[CODE]: message`, the source line with a caret under the column, then `= object:`, `= condition:`, `= note:` and `= help:` lines, and a summary line. Colour only on a terminal, never with `NO_COLOR` set.",
        "- `json`: `{\"diagnostics\": [...], \"summary\": {\"files\", \"documents\", \"objects\", \"skipped\", \"errors\", \"warnings\", \"notes\"}}`. Each diagnostic has `code`, `name`, `severity` (`error`, `warning`, `note`), `message`, `file`, `line`, `column`, `notes` (each `message` and, when known, `file`, `line`, `column`), and when known `object`, `condition` and `fix`. Sorted by file, line, column, code.",
        "- `sarif`: SARIF 2.1.0, one run, a rule for each code that occurs (`id`, `name`, `shortDescription`, `helpUri`, default level), results with `ruleId`, `level`, `message` (with the fix), `locations` and `relatedLocations` for notes.",
        "- `github`: GitHub Actions workflow commands, `::error file=F,line=L,col=C,title=gwc CODE name::message`.", "",
        "Exit status of `gwc lint`: 0 no errors, 1 errors (or warnings with `--strict`), 2 usage error or unreadable input.", "",
        "`gwc lint --conditions` prints, instead of diagnostics, every Gateway, HTTPRoute, AgentgatewayBackend and AgentgatewayPolicy with the `status` a controller would write (a `kind: List`, YAML or with `--format json` JSON); errors still go to standard error.", "",
    ]
    current = None
    for code, name, severity, title in codes:
        if code[2] != current:
            current = code[2]
            out += [f"# {current}xx: {groups[current]}", ""]
        meaning, fix = EXPLAIN.get(code, ("", ""))
        out += [f"## {code}", "", f"**{name}** ({severity}): {title}.", "", meaning, "", f"**Fix:** {fix}", ""]
        if code in examples:
            path = examples[code]
            rel = os.path.relpath(path, ROOT)
            text = open(path).read().rstrip("\n").split("\n")
            if text and text[0].startswith("# expect:"):
                text = text[1:]
            # `# env: NAME=VALUE` (GWC_NOW pins the certificate clock) is lint's environment too.
            env = {"NO_COLOR": "1", "PATH": os.environ.get("PATH", "")}
            if text and text[0].startswith("# env: "):
                name, _, value = text[0][len("# env: "):].partition("=")
                env[name] = value
            lang = "json" if path.endswith(".json") else "yaml"
            run = subprocess.run([GWC, "lint", "--quiet", rel], cwd=ROOT, capture_output=True, text=True, env=env)
            printed = [block for block in run.stdout.split("\n\n") if f"[{code}]" in block]
            out += [f"Example, `{rel}`:", "", f"```{lang}"] + text + ["```", ""]
            if printed:
                out += ["gwc prints:", "", "```"] + printed[0].rstrip("\n").split("\n") + ["```", ""]
    open(os.path.join(ROOT, "docs", "diagnostics.md"), "w").write("\n".join(out).rstrip("\n") + "\n")
    missing = [c for c, *_ in codes if c not in EXPLAIN]
    if missing:
        sys.exit(f"no explanation for {missing}")

if __name__ == "__main__":
    main()
