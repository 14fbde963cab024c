import Foundation
import Testing
@testable import VigieCore

@Suite struct SpikeDetectorTests {
    static let start = Date(timeIntervalSince1970: 1_740_787_200)

    struct Planted { var bucket: Int; var length: Int }

    /// 30 days of hourly volume with a daily rhythm and overdispersed noise, planted spikes
    /// (×3 for 3 to 6 hours) and one-hour blips (×3 for a single hour).
    static func makeSeries(seed: UInt64) -> (VolumeSeries, spikes: [Planted], blips: [Int]) {
        var random = TestRandom(seed: seed)
        let hours = 30 * 24
        var counts = [Int](repeating: 0, count: hours)
        var spikes: [Planted] = []
        var blips: [Int] = []
        for day in stride(from: 9, to: 30, by: 4) {
            spikes.append(Planted(bucket: day * 24 + Int(random.next() % 18), length: 3 + Int(random.next() % 4)))
        }
        for day in stride(from: 10, to: 30, by: 4) { blips.append(day * 24 + Int(random.next() % 20)) }
        for hour in 0..<hours {
            let phase = Double(hour % 24) / 24 * 2 * Double.pi
            var mean = 40 * (1 + 0.7 * sin(phase - Double.pi / 2))   // quiet nights, busy afternoons
            mean *= exp(0.15 * random.normal())                       // overdispersion: day-to-day wobble
            if spikes.contains(where: { hour >= $0.bucket && hour < $0.bucket + $0.length }) || blips.contains(hour) {
                mean = mean * 3 + 20
            }
            counts[hour] = random.poisson(mean)
        }
        return (VolumeSeries(start: start, bucket: 3600, counts: counts), spikes, blips)
    }

    @Test func findsPlantedSpikesPreciselyOverSeeds() {
        var truePositives = 0, detected = 0, planted = 0, found = 0
        for seed in UInt64(1)...10 {
            let (series, spikes, _) = Self.makeSeries(seed: seed)
            let fired = SpikeDetector().detect(in: series)
            let plantedRanges = spikes.map { series.time(ofBucket: $0.bucket)...series.time(ofBucket: $0.bucket + $0.length) }
            detected += fired.count
            truePositives += fired.filter { spike in plantedRanges.contains { $0.contains(spike.firedAt) } }.count
            planted += spikes.count
            found += plantedRanges.filter { range in fired.contains { range.contains($0.firedAt) } }.count
        }
        let precision = Double(truePositives) / Double(max(detected, 1))
        let recall = Double(found) / Double(planted)
        #expect(precision >= 0.9, "precision \(precision): \(truePositives) of \(detected) fired spikes were planted")
        #expect(recall >= 0.9, "recall \(recall): \(found) of \(planted) planted spikes fired")
    }

    @Test func persistenceKeepsOneHourBlipsQuiet() {
        var blipsFiredWithPersistence = 0, blipsFiredWithout = 0
        for seed in UInt64(1)...10 {
            let (series, _, blips) = Self.makeSeries(seed: seed)
            let blipTimes = Set(blips.map { series.time(ofBucket: $0) })
            blipsFiredWithPersistence += SpikeDetector().detect(in: series).filter { blipTimes.contains($0.start) }.count
            blipsFiredWithout += SpikeDetector(options: SpikeOptions(persistence: 1)).detect(in: series)
                .filter { blipTimes.contains($0.start) }.count
        }
        #expect(blipsFiredWithPersistence == 0)
        #expect(blipsFiredWithout >= 40, "persistence 1 fired for \(blipsFiredWithout) of 50 blips")
    }

    @Test func aSpikeExplainsItselfAndResolves() throws {
        var counts = [Int](repeating: 10, count: 24 * 8)
        for hour in 180..<184 { counts[hour] = 60 }
        let series = VolumeSeries(start: Self.start, bucket: 3600, counts: counts)
        let spikes = SpikeDetector().detect(in: series)
        let spike = try #require(spikes.first)
        #expect(spikes.count == 1)
        #expect(spike.start == series.time(ofBucket: 180))
        #expect(spike.firedAt == series.time(ofBucket: 181))
        #expect(spike.resolvedAt == series.time(ofBucket: 184))
        #expect(spike.observed == 240 && spike.expected == 40)
        #expect(spike.baselineAtPeak == 10)
        #expect(spike.explanation.contains("60 posts in the 1 h"))
        #expect(spike.explanation.contains("same 1 h of the day over 7 days"))
        #expect(spike.explanation.contains("persistence 2"))
        #expect(spike.explanation.contains("resolved at"))
    }

    @Test func volumeSeriesAlignsBuckets() {
        let times = [Self.start.addingTimeInterval(30), Self.start.addingTimeInterval(3599),
                     Self.start.addingTimeInterval(7300)]
        let series = VolumeSeries(times: times, bucket: 3600)
        #expect(series.start == Self.start)
        #expect(series.counts == [2, 0, 1])
    }
}
