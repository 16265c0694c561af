@testable import Inspector
import Testing

struct Job {
    var id: Int
    var phase: Phase
}

struct Owner {
    var name = "ada"
}

final class Shop: @unchecked Sendable {
    var config = ServerConfig()
    var jobs = [Job(id: 1, phase: .idle), Job(id: 2, phase: .running(7)), Job(id: 3, phase: .failed(reason: "disk", code: 28))]
    var cache = ["user:42": 1, "user:7": 2, "admin": 3]
    var byID = [7: "seven"]
    var tags: Set<String> = ["b", "a"]
    var pair = (1, name: "x")
    var owner: Owner? = Owner()
    var nobody: Owner? = nil
    var numbers = Shop.million
    static let million = Array(0..<1_000_000)
}

/// Follows `path` from a fresh `Shop` and renders what it reaches, without children.
private func at(_ path: String) throws -> String {
    let parsed = try InspectorPath(parsing: path)
    let value = try PathResolver.resolve(Shop(), path: parsed)
    return Renderer(options: RenderOptions(maxDepth: 0)).render(value, label: path).plainText
}

@Test func membersIndexesAndKeysLeadToTheirValues() throws {
    #expect(try at("shop.config.port") == "shop.config.port: Int = 8080\n")
    #expect(try at("shop.jobs[2].id") == "shop.jobs[2].id: Int = 3\n")
    #expect(try at("shop.cache[\"user:42\"]") == "shop.cache[\"user:42\"]: Int = 1\n")
    #expect(try at("shop.cache[admin]") == "shop.cache[admin]: Int = 3\n")
    #expect(try at("shop.byID[7]") == "shop.byID[7]: String = \"seven\"\n")
    #expect(try at("shop.tags[0]") == "shop.tags[0]: String = \"a\"\n")
    #expect(try at("shop.numbers[999999]") == "shop.numbers[999999]: Int = 999999\n")
}

@Test func countIsAPseudoMemberOfCollectionsDictionariesSetsAndStrings() throws {
    #expect(try at("shop.jobs.count") == "shop.jobs.count: Int = 3\n")
    #expect(try at("shop.cache.count") == "shop.cache.count: Int = 3\n")
    #expect(try at("shop.tags.count") == "shop.tags.count: Int = 2\n")
    #expect(try at("shop.config.host.count") == "shop.config.host.count: Int = 9\n")
}

@Test func optionalsAreUnwrappedWithOrWithoutAMark() throws {
    #expect(try at("shop.owner.name") == "shop.owner.name: String = \"ada\"\n")
    #expect(try at("shop.owner?.name") == "shop.owner?.name: String = \"ada\"\n")
    #expect(try at("shop.owner!.name") == "shop.owner!.name: String = \"ada\"\n")
    #expect(try at("shop.config.backup.count") == "shop.config.backup.count: Int = 3\n")
}

@Test func enumPayloadsAreReachedByLabelOrThroughTheirCaseName() throws {
    #expect(try at("shop.jobs[2].phase.reason") == "shop.jobs[2].phase.reason: String = \"disk\"\n")
    #expect(try at("shop.jobs[2].phase.failed.code") == "shop.jobs[2].phase.failed.code: Int = 28\n")
    #expect(try at("shop.jobs[1].phase.running") == "shop.jobs[1].phase.running: Int = 7\n")
}

@Test func tupleElementsAreReachedByLabelOrPosition() throws {
    #expect(try at("shop.pair.0") == "shop.pair.0: Int = 1\n")
    #expect(try at("shop.pair.name") == "shop.pair.name: String = \"x\"\n")
    #expect(try at("shop.pair[1]") == "shop.pair[1]: String = \"x\"\n")
}

@Test func aMissingMemberNamesTheTypeReachedAndSuggestsClosestNames() {
    #expect(
        throws: PathError.noSuchMember(
            member: "confg", at: "shop", typeName: "Shop", offset: 4, suggestions: ["config"])
    ) { try at("shop.confg.port") }
    #expect(
        throws: PathError.noSuchMember(
            member: "runing", at: "shop.jobs[1].phase", typeName: "Phase", offset: 18, suggestions: ["running"])
    ) { try at("shop.jobs[1].phase.runing") }
    #expect(
        throws: PathError.noSuchMember(member: "size", at: "shop.jobs", typeName: "Array<Job>", offset: 9, suggestions: [])
    ) { try at("shop.jobs.size") }
}

@Test func anIndexPastTheEndSaysHowManyElementsThereAre() {
    #expect(throws: PathError.indexOutOfRange(index: 7, count: 3, at: "shop.jobs", typeName: "Array<Job>", offset: 9)) {
        try at("shop.jobs[7]")
    }
    #expect(throws: PathError.indexOutOfRange(index: 2, count: 2, at: "shop.tags", typeName: "Set<String>", offset: 9)) {
        try at("shop.tags[2]")
    }
}

@Test func aMissingKeySuggestsTheClosestKeys() {
    #expect(
        throws: PathError.noSuchKey(
            key: "\"user:43\"", at: "shop.cache", typeName: "Dictionary<String, Int>", offset: 10,
            suggestions: ["\"user:42\"", "\"user:7\""])
    ) { try at("shop.cache[\"user:43\"]") }
    #expect(
        throws: PathError.noSuchKey(key: "8", at: "shop.byID", typeName: "Dictionary<Int, String>", offset: 9, suggestions: ["7"])
    ) { try at("shop.byID[8]") }
}

@Test func subscriptingSomethingThatIsNotAContainerIsAnError() {
    #expect(
        throws: PathError.notSubscriptable(segment: "[0]", at: "shop.config", typeName: "ServerConfig", offset: 11)
    ) { try at("shop.config[0]") }
    #expect(
        throws: PathError.notSubscriptable(segment: "[\"k\"]", at: "shop.config.port", typeName: "Int", offset: 16)
    ) { try at("shop.config.port[\"k\"]") }
}

@Test func steppingThroughNilSaysWhichValueWasNil() {
    #expect(
        throws: PathError.nilValue(segment: ".name", at: "shop.nobody", typeName: "Optional<Owner>", offset: 11)
    ) { try at("shop.nobody.name") }
    #expect(
        throws: PathError.nilValue(segment: ".count", at: "shop.config.owner", typeName: "Optional<String>", offset: 17)
    ) { try at("shop.config.owner.count") }
}
