import Instrumentation

/// W3C trace context in and out of a request's header list: `traceparent` and `tracestate` are
/// read from the client's headers and written, replacing the client's, into the headers that go
/// upstream (so the upstream sees gwrun's client span as its parent).
struct HeaderExtractor: Extractor {
    func extract(key: String, from carrier: [(name: String, value: String)]) -> String? {
        carrier.first { HeaderName.matches($0.name, key) }?.value
    }
}

struct HeaderInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [(name: String, value: String)]) {
        carrier.removeAll { HeaderName.matches($0.name, key) }
        carrier.append((key, value))
    }
}
