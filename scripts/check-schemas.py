#!/usr/bin/env python3
"""Validates every sample document against schemas/ with check-jsonschema (PyPI).

Each YAML document of the samples is written to its own file (check-jsonschema reads one
document per file) and checked against the schema of its kind; Hermes configs against
schemas/hermes-config.schema.json. Files that are broken at the YAML level on purpose
(tabs, duplicate keys) are skipped. A known-bad document must fail, so the check can fail.
Prints `N passed, N failed`.
"""
import glob, os, shutil, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK = sys.argv[1] if len(sys.argv) > 1 else "check-jsonschema"
HERMES_KEYS = {"model", "providers", "custom_providers", "fallback_providers", "delegation", "auxiliary"}


def schema_for(doc):
    if not isinstance(doc, dict):
        return None
    if "kind" in doc and "apiVersion" in doc:
        path = os.path.join(ROOT, "schemas", doc["kind"].lower() + ".schema.json")
        return path if os.path.exists(path) else None
    if HERMES_KEYS & set(doc):
        return os.path.join(ROOT, "schemas", "hermes-config.schema.json")
    return None


def run(schema, files):
    result = subprocess.run([CHECK, "--schemafile", schema] + files, capture_output=True, text=True)
    return result.returncode == 0, result.stdout + result.stderr


def main():
    work = tempfile.mkdtemp(prefix="gwc-schema-")
    groups = {}
    count = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "samples", "**", "*.yaml"), recursive=True)):
        try:
            docs = list(yaml.safe_load_all(open(path)))
        except yaml.YAMLError:
            continue  # broken at the YAML level on purpose
        for index, doc in enumerate(docs):
            schema = schema_for(doc)
            if not schema:
                continue
            out = os.path.join(work, f"{count:04d}-{os.path.basename(path)}-{index}.yaml")
            with open(out, "w") as f:
                yaml.safe_dump(doc, f)
            groups.setdefault(schema, []).append(out)
            count += 1
    passed = failed = 0
    for schema, files in sorted(groups.items()):
        ok, output = run(schema, files)
        if ok:
            passed += len(files)
        else:
            failed += len(files)
            print(f"FAIL {os.path.basename(schema)}:\n{output}")
    # The check must be able to fail: a listener port written as text is not a valid Gateway.
    bad = os.path.join(work, "bad-gateway.yaml")
    with open(bad, "w") as f:
        yaml.safe_dump({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "g"},
                        "spec": {"gatewayClassName": "x", "listeners": [{"name": "http", "port": "eighty", "protocol": "HTTP"}]}}, f)
    ok, _ = run(os.path.join(ROOT, "schemas", "gateway.schema.json"), [bad])
    if ok:
        failed += 1
        print("FAIL: a Gateway with a text port passed the schema")
    else:
        passed += 1
    shutil.rmtree(work)
    print(f"schemas: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
