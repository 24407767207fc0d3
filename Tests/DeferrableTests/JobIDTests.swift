import Deferrable
import Foundation
import Testing

@Suite("Job ids")
struct JobIDTests {
    @Test("ids are lowercase version-4 UUIDs and unique")
    func idsAreRandomUUIDs() async throws {
        let deferrable = try Deferrable(factory: MemoryBackendFactory(), group: uniqueGroup())
        let job = try deferrable.register("id") { (_: Int, _) in }
        let receipts = try await job.laterMany(Array(0..<10_000))
        let ids = receipts.map(\.id)
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(200) {
            let uuid = try #require(UUID(uuidString: id), "\(id) is not a UUID")
            #expect(uuid.uuidString.lowercased() == id)
            let characters = Array(id)
            #expect(characters[14] == "4", "version nibble of \(id)")
            #expect("89ab".contains(characters[19]), "variant nibble of \(id)")
        }
    }
}
