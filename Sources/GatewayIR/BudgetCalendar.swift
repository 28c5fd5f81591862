import Foundation

/// A budget's calendar windows: days, ISO weeks (Monday first) and months in one time zone, so
/// that gwc lint refuses the zones gwrun could not use and both compute windows alike.
public struct BudgetCalendar: Sendable {
    private let calendar: Calendar
    public let zone: String

    /// nil when the zone is not an IANA name Foundation knows.
    public init?(zone: String) {
        guard let timeZone = TimeZone(identifier: zone) else { return nil }
        self.init(timeZone, name: zone)
    }

    /// UTC, for a system that knows no zone at all.
    public static let utcFallback = BudgetCalendar(TimeZone(secondsFromGMT: 0) ?? .current, name: "UTC (fallback)")

    private init(_ timeZone: TimeZone, name: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        self.calendar = calendar
        zone = name
    }

    /// The window holding `date`, as seconds since 1970: `[start, end)`.
    public func window(_ window: Budget.Window, containing date: Date) -> (start: Int64, end: Int64) {
        let component: Calendar.Component = switch window {
        case .day: .day
        case .week: .weekOfYear
        case .month: .month
        }
        guard let interval = calendar.dateInterval(of: component, for: date) else {
            // Foundation finds every Gregorian interval; a day from midnight UTC is the fallback.
            let start = Int64(date.timeIntervalSince1970) / 86_400 * 86_400
            return (start, start + 86_400)
        }
        return (Int64(interval.start.timeIntervalSince1970), Int64(interval.end.timeIntervalSince1970))
    }
}
