import ManholeSSH
import Testing

@Suite("SSH configuration")
struct SSHConfigurationTests {
    @Test("The SSH listener is loopback-only unless the host says otherwise")
    func loopbackByDefault() {
        #expect(SSHConfiguration().host == "127.0.0.1")
    }
}
