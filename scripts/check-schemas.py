#!/usr/bin/env python3
"""Validates every sample document against schemas/ with check-jsonschema (PyPI).

Each YAML document of the samples is written to its own file (check-jsonschema reads one
document per file) and checked against the schema of its kind; Hermes configs against
schemas/hermes-config.schema.json. Every document must pass, except those of the broken
samples whose expected code is a schema-level one (wrong type, missing field, bad enum or
pattern, unserved apiVersion): their first document must fail. Files broken at the YAML level
(tabs, duplicate keys) are skipped. Prints `N passed, N failed`.
"""
import glob, os, shutil, subprocess, sys, tempfile
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK = sys.argv[1] if len(sys.argv) > 1 else "check-jsonschema"
SCHEMA_LEVEL_CODES = {"GW200", "GW201", "GW203", "GW204", "GW206", "GW208"}
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
    """Returns the set of files that failed validation."""
    result = subprocess.run([CHECK, "--schemafile", schema] + files, capture_output=True, text=True)
    output = result.stdout + result.stderr
    return {f for f in files if f + "::" in output}, output


def expected_code(path):
    with open(path) as f:
        first = f.readline()
    return first.split()[2] if first.startswith("# expect: ") else None


def main():
    work = tempfile.mkdtemp(prefix="gwc-schema-")
    groups = {}
    must_fail = set()
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
            if index == 0 and expected_code(path) in SCHEMA_LEVEL_CODES:
                must_fail.add(out)
            count += 1
    # The check must be able to fail: a listener port written as text is not a valid Gateway.
    bad = os.path.join(work, "bad-gateway.yaml")
    with open(bad, "w") as f:
        yaml.safe_dump({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "g"},
                        "spec": {"gatewayClassName": "x", "listeners": [{"name": "http", "port": "eighty", "protocol": "HTTP"}]}}, f)
    groups.setdefault(os.path.join(ROOT, "schemas", "gateway.schema.json"), []).append(bad)
    must_fail.add(bad)
    passed = failed = 0
    for schema, files in sorted(groups.items()):
        failing, output = run(schema, files)
        for f in files:
            if (f in failing) == (f in must_fail):
                passed += 1
            else:
                failed += 1
                verdict = "passed" if f in must_fail else "failed"
                print(f"FAIL {os.path.basename(f)} {verdict} {os.path.basename(schema)} unexpectedly")
        if failed:
            print(output)
    shutil.rmtree(work)
    print(f"schemas: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
