/// When people post: the share of a day's posts per local hour (few at night, a peak in the
/// evening), and the background schedule it gives over the period, across time zones.
struct DailyRhythm {
    static let hourly: [Double] = [0.30, 0.18, 0.11, 0.08, 0.07, 0.10, 0.22, 0.45, 0.75, 0.90, 0.95, 1.00,
                                   1.10, 1.05, 0.95, 0.95, 1.00, 1.10, 1.25, 1.40, 1.45, 1.35, 1.00, 0.60]

    /// Relative rate at a local minute of the day, interpolated between hours.
    static func rate(localMinute: Int) -> Double {
        let minute = ((localMinute % 1440) + 1440) % 1440
        let hour = minute / 60
        let fraction = Double(minute % 60) / 60
        return hourly[hour] * (1 - fraction) + hourly[(hour + 1) % 24] * fraction
    }

    /// Per time zone, the share of posting activity.
    let zoneWeights: [Double]
    /// Cumulative intensity at the end of each minute of the period.
    private var cumulative: [Double] = []
    private var cursor = 0
    let startMillis: Int64

    init(zoneWeights: [Double], days: Int, startMillis: Int64) {
        self.zoneWeights = zoneWeights
        self.startMillis = startMillis
        let minutes = days * 1440
        cumulative.reserveCapacity(minutes)
        var total = 0.0
        for minute in 0..<minutes {
            total += intensity(minute: minute)
            cumulative.append(total)
        }
    }

    func intensity(minute: Int) -> Double {
        var sum = 0.0
        for zone in Zone.allCases {
            sum += zoneWeights[Int(zone.rawValue)] * DailyRhythm.rate(localMinute: minute + zone.offsetHours * 60)
        }
        return max(sum, 1e-9)
    }

    /// Weights of each zone at a minute of the period (who is awake).
    func zoneShares(minute: Int) -> [Double] {
        Zone.allCases.map { zoneWeights[Int($0.rawValue)] * DailyRhythm.rate(localMinute: minute + $0.offsetHours * 60) }
    }

    /// The time of the `position`-th of `total` background posts (`position` may carry a
    /// fraction): the inverse of the cumulative intensity. Calls must come in increasing order.
    mutating func time(position: Double, total: Int) -> Int64 {
        guard let last = cumulative.last else { return startMillis }
        let target = position / Double(total) * last
        while cursor < cumulative.count - 1, cumulative[cursor] < target { cursor += 1 }
        let before = cursor == 0 ? 0 : cumulative[cursor - 1]
        let fraction = min(1, max(0, (target - before) / (cumulative[cursor] - before)))
        return startMillis + Int64((Double(cursor) + fraction) * 60_000)
    }
}
