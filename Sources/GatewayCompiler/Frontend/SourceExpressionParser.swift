import GatewayIR

/// Parses the CEL that `networkAuthorization.policy.matchExpressions` holds into a
/// `SourceExpression`, for the subset gwrun evaluates at accept time: `cidr('...').containsIP(source.address)`,
/// `true`, `false`, `!`, `&&`, `||` and parentheses. Anything else is an error naming the column,
/// never a rule that silently matches nothing.
struct SourceExpressionParser {
    struct Failure: Error, Equatable {
        var message: String
        /// 0-based character offset into the expression.
        var offset: Int
    }

    private enum Token: Equatable {
        case word(String), string(String), symbol(String)
    }

    private var tokens: [(token: Token, offset: Int)] = []
    private var position = 0
    private let length: Int

    static func parse(_ text: String) -> Result<SourceExpression, Failure> {
        do {
            var parser = try SourceExpressionParser(text)
            let expression = try parser.disjunction()
            if parser.position < parser.tokens.count { throw parser.failure("unexpected \(parser.describe(parser.tokens[parser.position].token)) after a complete expression") }
            return .success(expression)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(message: "\(error)", offset: 0))
        }
    }

    private init(_ text: String) throws {
        let characters = Array(text)
        length = characters.count
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace { index += 1; continue }
            let start = index
            if character.isLetter || character == "_" {
                while index < characters.count, characters[index].isLetter || characters[index].isNumber || characters[index] == "_" { index += 1 }
                tokens.append((.word(String(characters[start..<index])), start))
            } else if character == "'" || character == "\"" {
                index += 1
                var value = ""
                while index < characters.count, characters[index] != character {
                    guard characters[index] != "\\" else { throw Failure(message: "escapes are not supported in a CIDR string", offset: index) }
                    value.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw Failure(message: "the string opened here is not closed", offset: start) }
                index += 1
                tokens.append((.string(value), start))
            } else if index + 1 < characters.count, ["&&", "||"].contains(String(characters[index...index + 1])) {
                tokens.append((.symbol(String(characters[index...index + 1])), start))
                index += 2
            } else if "()!.".contains(character) {
                tokens.append((.symbol(String(character)), start))
                index += 1
            } else {
                // Kept as a token: the parser then names the construct it does not compile.
                tokens.append((.symbol(String(character)), start))
                index += 1
            }
        }
    }

    private mutating func disjunction() throws -> SourceExpression {
        var left = try conjunction()
        while accept(.symbol("||")) { left = .or(left, try conjunction()) }
        return left
    }

    private mutating func conjunction() throws -> SourceExpression {
        var left = try unary()
        while accept(.symbol("&&")) { left = .and(left, try unary()) }
        return left
    }

    private mutating func unary() throws -> SourceExpression {
        if accept(.symbol("!")) { return .not(try unary()) }
        if accept(.symbol("(")) {
            let inner = try disjunction()
            try expect(.symbol(")"), "`)`")
            return inner
        }
        if accept(.word("true")) { return .constant(true) }
        if accept(.word("false")) { return .constant(false) }
        guard position < tokens.count else { throw failure("the expression ends where a test was expected") }
        guard tokens[position].token == .word("cidr") else {
            throw failure("\(describe(tokens[position].token)) is not a test gwc compiles: write cidr('10.0.0.0/8').containsIP(source.address)")
        }
        position += 1
        try expect(.symbol("("), "`(` after cidr")
        guard position < tokens.count, case .string(let text) = tokens[position].token else { throw failure("cidr takes a quoted network, such as '10.0.0.0/8'") }
        let networkOffset = tokens[position].offset
        position += 1
        guard let block = CIDRBlock(text) else { throw Failure(message: "'\(text)' is not an IPv4 or IPv6 network (address/prefix length)", offset: networkOffset) }
        try expect(.symbol(")"), "`)` after the network")
        try expect(.symbol("."), "`.containsIP(source.address)`")
        try expect(.word("containsIP"), "`containsIP`")
        try expect(.symbol("("), "`(` after containsIP")
        try expect(.word("source"), "`source.address`: gwc tests the client's address only")
        try expect(.symbol("."), "`.address`")
        try expect(.word("address"), "`address`")
        try expect(.symbol(")"), "`)` after source.address")
        return .cidr(block)
    }

    private mutating func accept(_ token: Token) -> Bool {
        guard position < tokens.count, tokens[position].token == token else { return false }
        position += 1
        return true
    }

    private mutating func expect(_ token: Token, _ what: String) throws {
        guard accept(token) else { throw failure("expected \(what)") }
    }

    private func failure(_ message: String) -> Failure {
        Failure(message: message, offset: position < tokens.count ? tokens[position].offset : length)
    }

    private func describe(_ token: Token) -> String {
        switch token {
        case .word(let word): "`\(word)`"
        case .string(let text): "'\(text)'"
        case .symbol(let symbol): "`\(symbol)`"
        }
    }
}
