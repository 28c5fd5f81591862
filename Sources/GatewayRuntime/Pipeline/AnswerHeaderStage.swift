import GatewayIR

/// The headers request stages decided the answer carries (`AccessRecord.answerHeaders`: CORS's
/// `access-control-allow-origin` and the like), on every answer: gwrun's own, a provider's, a
/// plain upstream's. An upstream's header of the same name is replaced. A policy's
/// `headerModifiers.response` applies here too, before them.
struct AnswerHeaderStage: ResponseStage {
    var name: String { "answer headers" }

    func applies(rule: Int?, record: AccessRecord, _ processor: RequestProcessor) -> Bool { !record.answerHeaders.isEmpty || !record.responseHeaderOps.isEmpty }

    func observe(_ headers: inout [(name: String, value: String)], status: Int, rule: Int?, record: AccessRecord, _ processor: RequestProcessor) {
        for ops in record.responseHeaderOps { processor.table.applyHeaderOps(ops, to: &headers) }
        for header in record.answerHeaders {
            headers.removeAll { HeaderName.matches($0.name, header.name) }
            headers.append(header)
        }
    }
}
