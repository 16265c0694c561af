import ManholeWire
public import Inspector

// The manhole's own machinery is never looked inside by the Inspector, even when a host
// registers its `Manhole` (or something that leads to it): credential stores hold the accounts'
// stored keys and salts, sessions hold exchanges in progress. Every type of this module is
// opaque to the Inspector anyway (by module); these conformances say so where it matters most.

extension Manhole: InspectorOpaque {}
extension Account: InspectorOpaque {}

extension ScramClientExchange: InspectorOpaque {}
extension ScramServerExchange: InspectorOpaque {}
extension ScramCredential: InspectorOpaque {}
extension CredentialStore: InspectorOpaque {}
extension ServerState: InspectorOpaque {}
extension SessionHandler: InspectorOpaque {}
extension ShellEnvironment: InspectorOpaque {}
extension LoopBudget: InspectorOpaque {}
extension LoginThrottle: InspectorOpaque {}
extension CommandTable: InspectorOpaque {}
