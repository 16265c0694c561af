import ManholeClient
import Testing

@Suite("The welcome a login returns")
struct WelcomeTests {
    @Test("The user, role and session are read from the welcome line")
    func fields() {
        let welcome = Welcome(line: "user=admin role=readonly session=42")
        #expect(welcome.user == "admin")
        #expect(welcome.role == "readonly")
        #expect(welcome.session == 42)
        #expect(welcome.description == "user=admin role=readonly session=42")
    }

    @Test("Missing or malformed fields are nil, not guessed; unknown fields are ignored")
    func missing() {
        let welcome = Welcome(line: "role=admin session=x extra=1 noequals")
        #expect(welcome.user == nil)
        #expect(welcome.role == "admin")
        #expect(welcome.session == nil)
    }
}
