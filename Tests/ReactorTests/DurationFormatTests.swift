import Reactor
import Testing

@Test func durationsAreShortAndReadable() {
    let cases: [(Duration, String)] = [
        (.nanoseconds(850), "850ns"), (.microseconds(12), "12µs"), (.milliseconds(350), "350ms"),
        (.milliseconds(1_250), "1.2s"), (.seconds(59.99), "59.9s"), (.seconds(192), "3m 12s"),
        (.seconds(7_500), "2h 5m"), (.seconds(3 * 86_400 + 4 * 3_600), "3d 4h"), (.milliseconds(-1_500), "-1.5s"),
        (.zero, "0ns"),
    ]
    for (duration, text) in cases {
        #expect(DurationFormat.string(duration) == text)
    }
}
