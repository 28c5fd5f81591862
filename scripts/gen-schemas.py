#!/usr/bin/env python3
"""Derives gwc's schemas from the CRD copies in schemas/crds/ and from the hand-kept schemas of
core kinds and the Hermes config below.

Writes:
  schemas/<kind>.schema.json                      JSON Schema (draft 2020-12) per input kind,
                                                  usable with yaml-language-server
  Sources/GatewayCompiler/Schema/EmbeddedSchemas.swift
                                                  a compact structural schema (types, properties,
                                                  enums, required) that gwc checks documents with

Run it after changing a CRD copy; the output is committed. Needs PyYAML.
"""
import json, os, sys
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRDS = os.path.join(ROOT, "schemas", "crds")

STR = {"type": "string"}
STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}
OBJECT_META = {
    "type": "object",
    "properties": {
        "name": STR, "namespace": STR, "generateName": STR, "uid": STR, "resourceVersion": STR,
        "generation": {"type": "integer"}, "creationTimestamp": {"type": ["string", "null"]},
        "deletionTimestamp": STR, "deletionGracePeriodSeconds": {"type": "integer"},
        "labels": STRMAP, "annotations": STRMAP,
        "ownerReferences": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
        "finalizers": {"type": "array", "items": STR},
        "managedFields": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}},
        "selfLink": STR,
    },
}
ANY = {"x-kubernetes-preserve-unknown-fields": True}

CORE = {
    ("v1", "Secret"): {
        "type": "object",
        "properties": {
            "data": {"type": "object", "additionalProperties": STR},
            "stringData": {"type": "object", "additionalProperties": STR},
            "type": STR, "immutable": {"type": "boolean"},
        },
    },
    ("v1", "Service"): {
        "type": "object",
        "properties": {
            "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
                "ports": {"type": "array", "items": {"type": "object", "required": ["port"], "properties": {
                    "name": STR, "port": {"type": "integer"}, "targetPort": {"x-kubernetes-int-or-string": True},
                    "protocol": STR, "appProtocol": STR, "nodePort": {"type": "integer"}}}},
                "type": STR, "selector": STRMAP}},
            "status": ANY,
        },
    },
    ("v1", "Namespace"): {"type": "object", "properties": {"spec": ANY, "status": ANY}},
    # CA bundles for backend TLS (`ca.crt`).
    ("v1", "ConfigMap"): {
        "type": "object",
        "properties": {"data": STRMAP, "binaryData": STRMAP, "immutable": {"type": "boolean"}},
    },
}

HERMES_URL_FIELDS = {"base_url": STR, "url": STR, "api": STR, "api_base": STR}
HERMES_PROVIDER = {
    "type": "object",
    "properties": dict(HERMES_URL_FIELDS, **{
        "name": STR, "api_key": STR, "key_env": STR, "api_key_env": STR, "apiKeyEnv": STR, "keyEnv": STR,
        "api_mode": STR, "transport": STR, "model": STR, "default_model": STR,
        "models": {"type": ["array", "object"]}, "context_length": {"type": "integer"},
        "request_timeout_seconds": {"type": "number"}, "stale_timeout_seconds": {"type": "number"},
        "extra_body": {"type": "object"}, "extra_headers": STRMAP, "ssl_ca_cert": STR,
        "ssl_verify": {"type": ["boolean", "string"]}, "discover_models": {"type": "boolean"},
        "enabled": {"type": "boolean"}, "max_output_tokens": {"type": "integer"}, "max_tokens": {"type": "integer"},
        "rate_limit_delay": {"type": "number"},
    }),
}
HERMES_ENDPOINT = {
    "type": "object",
    "properties": dict(HERMES_URL_FIELDS, **{
        "provider": STR, "model": STR, "api_key": STR, "api_mode": STR, "key_env": STR, "api_key_env": STR,
        "timeout": {"type": "number"}, "extra_body": {"type": "object"},
    }),
    "x-kubernetes-preserve-unknown-fields": True,
}
HERMES_SECTIONS = (
    "agent terminal web browser checkpoints mcp tool_output tool_loop_guardrails compression kanban prompt_caching "
    "openrouter bedrock display dashboard privacy tts stt voice human_delay context memory goals moa skills curator "
    "honcho slack discord whatsapp telegram mattermost matrix approvals quick_commands platform_hints hooks "
    "personalities security cron code_execution tools logging model_catalog network gateway streaming sessions "
    "onboarding updates lsp x_search secrets computer_use desktop vertex credential_pool_strategies toolsets "
    "max_concurrent_sessions max_live_sessions context_file_max_chars file_read_max_chars mcp_discovery_timeout "
    "prefill_messages_file timezone command_allowlist hooks_auto_accept paste_collapse_threshold "
    "paste_collapse_threshold_fallback paste_collapse_char_threshold _config_version fallback_model mcp_servers "
    "image_gen video_gen plugins smart_model_routing platform_toolsets known_plugin_toolsets platforms signal "
    "session_reset group_sessions_per_user thread_sessions_per_user reset_triggers always_log_local "
    "stt_echo_transcripts filter_silence_narration multiplex_profiles profile_routes require_mention "
    "unauthorized_dm_behavior model_aliases api_server provider base_url api_key api_mode context_length "
    "rate_limit_delay"
).split()
HERMES = {
    "type": "object",
    "properties": dict({name: {} for name in HERMES_SECTIONS}, **{
        "model": {"type": ["string", "object"], "properties": dict(HERMES_URL_FIELDS, **{
            "default": STR, "model": STR, "name": STR, "provider": STR, "api_key": STR, "api_mode": STR,
            "context_length": {"type": "integer"}, "max_tokens": {"type": "integer"},
            "ollama_num_ctx": {"type": "integer"}, "supports_vision": {"type": "boolean"},
            "default_headers": STRMAP, "extra_headers": STRMAP, "openai_runtime": STR, "aliases": {"type": "object"},
        })},
        "providers": {"type": "object", "additionalProperties": HERMES_PROVIDER},
        "custom_providers": {"type": "array", "items": HERMES_PROVIDER},
        "fallback_providers": {"type": "array", "items": HERMES_ENDPOINT},
        "delegation": HERMES_ENDPOINT,
        "auxiliary": {"type": "object", "additionalProperties": HERMES_ENDPOINT},
    }),
}


def crd_versions():
    for name in sorted(os.listdir(CRDS)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(CRDS, name)) as f:
            crd = yaml.safe_load(f)
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                yield group, version["name"], kind, version["schema"]["openAPIV3Schema"]


def compact(node):
    """Keeps what gwc checks: types, properties, items, enums, required fields."""
    out = {}
    if node.get("x-kubernetes-preserve-unknown-fields"):
        out["k"] = 1
    if node.get("x-kubernetes-int-or-string"):
        out["t"] = "is"
    elif "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        out["t"] = "|".join(t for t in types if t != "null")
    if "enum" in node:
        out["e"] = [e for e in node["enum"] if e is not None]
    if node.get("required"):
        out["r"] = node["required"]
    if "properties" in node:
        out["p"] = {k: compact(v) for k, v in node["properties"].items()}
    ap = node.get("additionalProperties")
    if isinstance(ap, dict):
        out["a"] = compact(ap)
    elif ap is True:
        out["k"] = 1
    if "items" in node and isinstance(node["items"], dict):
        out["i"] = compact(node["items"])
    return out


def top_level(spec_schema, api_version, kind, metadata=True):
    props = dict(spec_schema.get("properties", {}))
    props["apiVersion"] = {"type": "string", "enum": [api_version]}
    props["kind"] = {"type": "string", "enum": [kind]}
    if metadata:
        props["metadata"] = OBJECT_META
    props.setdefault("status", ANY)
    schema = dict(spec_schema, properties=props)
    schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind"})
    return schema


def to_json_schema(node):
    """OpenAPI v3 (as CRDs write it) to JSON Schema: drop Kubernetes extensions' effects."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in ("x-kubernetes-validations", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type"):
                continue
            if k == "x-kubernetes-int-or-string":
                out["type"] = ["integer", "string"]
                continue
            if k == "x-kubernetes-preserve-unknown-fields":
                continue
            out[k] = to_json_schema(v)
        if node.get("nullable"):
            t = out.get("type")
            if isinstance(t, str):
                out["type"] = [t, "null"]
        return out
    if isinstance(node, list):
        return [to_json_schema(v) for v in node]
    return node


def main():
    compacts = {}
    schemas = {}
    for group, version, kind, schema in crd_versions():
        api_version = f"{group}/{version}"
        full = top_level(schema, api_version, kind)
        compacts[f"{api_version}/{kind}"] = compact(full)
        schemas.setdefault(kind, []).append(to_json_schema(full))
    for (api_version, kind), schema in CORE.items():
        full = top_level(schema, api_version, kind)
        compacts[f"{api_version}/{kind}"] = compact(full)
        schemas.setdefault(kind, []).append(to_json_schema(full))
    compacts["hermes"] = compact(HERMES)

    os.makedirs(os.path.join(ROOT, "schemas"), exist_ok=True)
    for kind, variants in sorted(schemas.items()):
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": kind,
               "description": f"{kind} as gwc accepts it (generated by scripts/gen-schemas.py)"}
        if len(variants) == 1:
            doc.update(variants[0])
        else:
            doc["oneOf"] = variants
        write_json(os.path.join(ROOT, "schemas", f"{kind.lower()}.schema.json"), doc)
    hermes = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Hermes config.yaml",
              "description": "Hermes Agent 0.19 config, as far as gwc reads it (generated by scripts/gen-schemas.py)"}
    hermes.update(json.loads(json.dumps(HERMES)))
    hermes["properties"] = {k: (v if v else True) for k, v in hermes["properties"].items()}
    write_json(os.path.join(ROOT, "schemas", "hermes-config.schema.json"), hermes)

    payload = json.dumps(compacts, sort_keys=True, separators=(",", ":"))
    swift = os.path.join(ROOT, "Sources", "GatewayCompiler", "Schema", "EmbeddedSchemas.swift")
    with open(swift, "w") as f:
        f.write("// Generated by scripts/gen-schemas.py from schemas/crds/ and the script's own core and\n")
        f.write("// Hermes schemas. Do not edit; run the script.\n\n")
        f.write("enum EmbeddedSchemas {\n")
        f.write("    /// `apiVersion/kind` (or `hermes`) to a compact structural schema; see StructuralSchema.\n")
        f.write('    static let json = #"""\n')
        f.write(payload + "\n")
        f.write('"""#\n}\n')
    print(f"wrote {len(schemas) + 1} schemas and {len(payload)} bytes of embedded schema", file=sys.stderr)


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
