import Testing
@testable import Reactor
@Test func smoke() {}
