#!/usr/bin/env python3
"""A stand-in OpenTelemetry collector for scripts/e2e-otel.sh: it speaks OTLP/HTTP with protobuf
bodies as the real collector's otlphttp receiver does (POST /v1/traces and /v1/metrics, an
ExportTraceServiceResponse / ExportMetricsServiceResponse back), decoding them with the
opentelemetry-proto package, and writes what it received as JSON lines:
  {"signal": "span", "trace_id": hex, "span_id": hex, "parent_span_id": hex, "name", "kind", "attributes": {...}, "status": code}
  {"signal": "metric", "name", "unit", "points": [{"attributes": {...}, "count": n, "sum": x}]}
--mode slow answers after 30 s (a collector that hangs); --mode refuse answers 503."""
import argparse, json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2


def value(v):
    kind = v.WhichOneof("value")
    return getattr(v, kind) if kind else None


def attributes(items):
    return {a.key: value(a.value) for a in items}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", content_type="application/x-protobuf"):
        self.send_response(status)
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if ARGS.mode == "slow":
            time.sleep(30)
        if ARGS.mode == "refuse":
            return self.answer(503, b"unavailable", "text/plain")
        if self.headers.get("content-type") != "application/x-protobuf":
            return self.answer(415, b"protobuf only", "text/plain")
        lines = []
        if self.path == "/v1/traces":
            request = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
            for resource in request.resource_spans:
                service = attributes(resource.resource.attributes).get("service.name")
                for scope in resource.scope_spans:
                    for span in scope.spans:
                        lines.append({"signal": "span", "service": service, "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                                      "parent_span_id": span.parent_span_id.hex(), "name": span.name, "kind": span.kind,
                                      "attributes": attributes(span.attributes), "status": span.status.code})
            response = trace_service_pb2.ExportTraceServiceResponse()
        elif self.path == "/v1/metrics":
            request = metrics_service_pb2.ExportMetricsServiceRequest.FromString(body)
            for resource in request.resource_metrics:
                for scope in resource.scope_metrics:
                    for metric in scope.metrics:
                        data = metric.WhichOneof("data")
                        points = [{"attributes": attributes(p.attributes), "count": getattr(p, "count", None), "sum": getattr(p, "sum", None)}
                                  for p in getattr(metric, data).data_points] if data else []
                        lines.append({"signal": "metric", "name": metric.name, "unit": metric.unit, "kind": data, "points": points})
            response = metrics_service_pb2.ExportMetricsServiceResponse()
        else:
            return self.answer(404, b"not found", "text/plain")
        with open(ARGS.out, "a") as f:
            for line in lines:
                f.write(json.dumps(line, sort_keys=True) + "\n")
        self.answer(200, response.SerializeToString())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", choices=["ok", "slow", "refuse"], default="ok")
    ARGS = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler).serve_forever()
