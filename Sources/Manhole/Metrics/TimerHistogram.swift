/// A timer's durations without keeping them: count, sum, min, max and a fixed-size histogram of
/// log-scale buckets, from which p50 and p99 are estimated.
///
/// Buckets: 0…7 ns each exactly, then every power of two split into 8 equal sub-buckets, up to
/// `Int64.max` (488 buckets, 3.9 KiB). An estimate is its bucket's midpoint, clamped to the
/// recorded min and max (or the min or max itself when the rank is the first or the last), so
/// it is within 1/16 (6.25 %) of a value in that bucket: enough to tell
/// an operator whether p99 is 2 ms or 200 ms, at a fixed cost per timer whatever its traffic.
struct TimerHistogram: Sendable {
    /// Sub-buckets per power of two (a power of two itself).
    static let subBuckets = 8
    private static let subBucketBits = 3
    /// Exact buckets for 0…7, then 8 for each of the powers 2^3…2^62.
    static let bucketCount = subBuckets + (63 - subBucketBits) * subBuckets

    private(set) var count = 0
    /// Saturates at `Int64.max` rather than trapping: a timer must never stop the host.
    private(set) var sum: Int64 = 0
    private(set) var min = Int64.max
    private(set) var max = Int64.min
    private var buckets = [Int](repeating: 0, count: bucketCount)

    /// Adds one duration; a negative one counts as 0 (a clock that stepped back).
    mutating func record(_ nanoseconds: Int64) {
        let value = Swift.max(nanoseconds, 0)
        count &+= 1
        let (added, overflow) = sum.addingReportingOverflow(value)
        sum = overflow ? .max : added
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        buckets[Self.bucket(of: value)] &+= 1
    }

    /// The bucket holding `value` (≥ 0).
    static func bucket(of value: Int64) -> Int {
        if value < subBuckets { return Int(value) }
        let power = 63 - value.leadingZeroBitCount  // ≥ 3
        let sub = Int(value >> (power - subBucketBits)) & (subBuckets - 1)
        return subBuckets + (power - subBucketBits) * subBuckets + sub
    }

    /// The midpoint of `bucket`'s values (the value itself for the exact ones).
    static func midpoint(of bucket: Int) -> Int64 {
        if bucket < subBuckets { return Int64(bucket) }
        let power = (bucket - subBuckets) / subBuckets + subBucketBits
        let sub = Int64((bucket - subBuckets) % subBuckets)
        let width = Int64(1) << (power - subBucketBits)
        let low = (Int64(1) << power) + sub * width
        return low + (width - 1) / 2
    }

    /// The estimated `quantile` (0…1) of the durations recorded, or `nil` before the first.
    func estimate(_ quantile: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = Swift.max(1, Int((quantile * Double(count)).rounded(.up)))
        // The first and the last are known exactly, which matters most for a handful of samples.
        if rank == 1 { return min }
        if rank >= count { return max }
        var seen = 0
        for (bucket, inBucket) in buckets.enumerated() where inBucket > 0 {
            seen += inBucket
            if seen >= rank { return Swift.min(Swift.max(Self.midpoint(of: bucket), min), max) }
        }
        return max
    }
}
