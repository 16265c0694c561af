/// The login settings that keep tests, fixtures and benchmarks of the shell fast.
public enum FastLogin {
    /// PBKDF2 iterations for test servers, and the minimum their clients accept. Production uses
    /// 210,000 (and clients refuse fewer), which would make each of the thousands of test logins
    /// cost a noticeable fraction of a second; the exchange is the same with fewer.
    public static let iterations = 4_096
}
