#!/usr/bin/env python3
"""Generates a benchmark corpus: N HTTPRoutes with their Gateways, AgentgatewayBackends, Services
and Secrets, as several multi-document YAML files (about 500 bytes of YAML per route).

usage: gen-corpus.py N OUTDIR
"""
import os, sys

def main():
    count = int(sys.argv[1]); out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    namespaces = max(1, count // 500)
    per_file = 1000
    with open(os.path.join(out, "00-gateways.yaml"), "w") as f:
        for ns in range(namespaces):
            f.write(f"""apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: team-{ns}
spec:
  gatewayClassName: agentgateway
  listeners:
    - name: http
      port: 8080
      protocol: HTTP
    - name: api
      port: 8443
      protocol: HTTP
      hostname: "*.example.com"
---
apiVersion: v1
kind: Secret
metadata:
  name: provider-key
  namespace: team-{ns}
stringData:
  Authorization: fake-provider-key-{ns}
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: client-keys
  namespace: team-{ns}
spec:
  targetRefs:
    - group: gateway.networking.k8s.io
      kind: Gateway
      name: gw
  traffic:
    apiKeyAuthentication:
      secretRef:
        name: client-keys
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: anthropic
  namespace: team-{ns}
spec:
  ai:
    provider:
      anthropic:
        model: claude-opus-4-7
  policies:
    auth:
      secretRef:
        name: provider-key
---
""")
    for start in range(0, count, per_file):
        with open(os.path.join(out, f"routes-{start // per_file:04d}.yaml"), "w") as f:
            for i in range(start, min(count, start + per_file)):
                ns = i % namespaces
                f.write(f"""apiVersion: v1
kind: Service
metadata:
  name: svc-{i}
  namespace: team-{ns}
spec:
  ports:
    - port: 8080
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{i}
  namespace: team-{ns}
spec:
  parentRefs:
    - name: gw
      sectionName: {"api" if i % 3 == 0 else "http"}
  hostnames:
    - "app-{i}.example.com"
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /v{i % 7}/service-{i}
          headers:
            - name: x-tenant
              value: tenant-{i % 13}
        - path:
            type: Exact
            value: /health/{i}
          method: GET
      backendRefs:
        - name: svc-{i}
          port: 8080
          weight: 90
        - name: anthropic
          group: agentgateway.dev
          kind: AgentgatewayBackend
          weight: 10
---
""")

if __name__ == "__main__":
    main()
