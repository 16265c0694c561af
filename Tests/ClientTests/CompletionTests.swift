import ManholeWire
import Testing
@testable import manhole_client

@Suite("Completion planning")
struct CompletionTests {
    @Test("A unique command name replaces the partial word and is followed by a space")
    func uniqueCommand() {
        #expect(Completion.plan(lineBeforeCursor: "insp", candidates: ["inspect"]) == .replace(deleting: 4, inserting: "inspect "))
    }

    @Test("A unique path replaces the partial word without a space, so the path can go on")
    func uniquePath() {
        #expect(
            Completion.plan(lineBeforeCursor: "inspect app.co", candidates: ["app.config"])
                == .replace(deleting: 6, inserting: "app.config"))
    }

    @Test("Several candidates are narrowed to their longest common prefix")
    func commonPrefixNarrows() {
        #expect(
            Completion.plan(lineBeforeCursor: "p app.config.p", candidates: ["app.config.port", "app.config.portal"])
                == .replace(deleting: 12, inserting: "app.config.port"))
    }

    @Test("Several candidates with nothing more in common are listed, sorted and without duplicates")
    func ambiguousIsListed() {
        #expect(
            Completion.plan(lineBeforeCursor: "p app.config.port", candidates: ["app.config.portal", "app.config.port", "app.config.port"])
                == .list(["app.config.port", "app.config.portal"]))
    }

    @Test("No candidate, or a candidate equal to what is typed, completes nothing")
    func nothingToDo() {
        #expect(Completion.plan(lineBeforeCursor: "inspect zz", candidates: []) == .none)
        #expect(Completion.plan(lineBeforeCursor: "inspect app", candidates: ["app"]) == .none)
    }

    @Test("After a space the partial word is empty and a candidate is inserted whole")
    func emptyPartial() {
        #expect(CompletionPlan.partialWord(of: "inspect ") == "")
        #expect(Completion.plan(lineBeforeCursor: "help ", candidates: ["whoami"]) == .replace(deleting: 0, inserting: "whoami"))
    }

    @Test("The partial word counts characters, not bytes, for the editor to delete")
    func unicodeCounts() {
        #expect(
            Completion.plan(lineBeforeCursor: "p app.café", candidates: ["app.cafés"])
                == .replace(deleting: 8, inserting: "app.cafés"))
    }

    @Test("Candidates are laid out in columns that fit the width, filled down first")
    func columns() {
        let text = CompletionPlan.columns(["alpha", "beta", "gamma", "delta", "epsilon"], width: 30)
        #expect(text == "alpha    gamma    epsilon\nbeta     delta\n")
        #expect(CompletionPlan.columns(["a-long-candidate"], width: 5) == "a-long-candidate\n")
        #expect(CompletionPlan.columns([], width: 80) == "")
    }

    @Test("A candidate list shows paths without the part they share up to its last dot")
    func displayNames() {
        #expect(CompletionPlan.displayNames(["app.config.port", "app.config.portal"]) == ["port", "portal"])
        #expect(CompletionPlan.displayNames(["app.jobs[0]", "app.jobs[1]"]) == ["jobs[0]", "jobs[1]"])
        #expect(CompletionPlan.displayNames(["inspect", "info"]) == ["inspect", "info"])
    }
}
