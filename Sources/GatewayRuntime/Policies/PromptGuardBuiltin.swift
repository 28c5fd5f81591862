import Foundation

/// The built-in detectors of a regex prompt guard (`builtins`), as agentgateway names them. Each
/// is a pattern plus a check of the digits it found, so that "any 16 digits" is not a credit card:
/// card numbers and Canadian SINs must pass the Luhn check, US SSNs must use assignable numbers.
/// A masked finding is replaced by the entity's tag (`<CREDIT_CARD>`, ...), as agentgateway does.
enum PromptGuardBuiltin: String, CaseIterable, Sendable {
    case ssn = "Ssn", creditCard = "CreditCard", phoneNumber = "PhoneNumber", email = "Email", caSin = "CaSin"

    var tag: String {
        switch self {
        case .ssn: "<SSN>"
        case .creditCard: "<CREDIT_CARD>"
        case .phoneNumber: "<PHONE_NUMBER>"
        case .email: "<EMAIL_ADDRESS>"
        case .caSin: "<CA_SIN>"
        }
    }

    /// Compiled once (patterns are constants).
    var regex: NSRegularExpression? { Self.compiled[self] ?? nil }

    private static let compiled: [PromptGuardBuiltin: NSRegularExpression?] = Dictionary(uniqueKeysWithValues: allCases.map { builtin in
        let pattern: String
        switch builtin {
        case .ssn: pattern = #"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])"#
        case .creditCard: pattern = #"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"#
        case .phoneNumber: pattern = #"(?<![\d\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|\d{3})[ .-]?\d{3}[ .-]?\d{4}(?!\d)"#
        case .email: pattern = #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#
        case .caSin: pattern = #"(?<![\d-])\d{3}[- ]?\d{3}[- ]?\d{3}(?![\d-])"#
        }
        return (builtin, try? NSRegularExpression(pattern: pattern))
    })

    /// Whether the text the pattern found is what the entity's numbering allows.
    func accepts(_ found: Substring) -> Bool {
        let digits = found.compactMap(\.wholeNumberValue)
        switch self {
        case .ssn:
            guard digits.count == 9 else { return false }
            let area = digits[0] * 100 + digits[1] * 10 + digits[2], group = digits[3] * 10 + digits[4]
            let serial = digits[5...].reduce(0) { $0 * 10 + $1 }
            return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
        case .creditCard: return (13...19).contains(digits.count) && Self.luhn(digits)
        case .caSin: return digits.count == 9 && digits[0] != 0 && digits[0] != 8 && Self.luhn(digits)
        case .phoneNumber: return (10...15).contains(digits.count)
        case .email: return true
        }
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            let doubled = position % 2 == 1 ? digit * 2 : digit
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return sum % 10 == 0
    }
}
