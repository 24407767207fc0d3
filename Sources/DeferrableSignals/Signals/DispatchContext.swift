/// The signals whose ``Signal/dispatchInOrder(_:errors:)`` the current task runs in, so that a dispatch from
/// inside one is refused with ``ReentrantDispatch`` instead of waiting for itself.
enum DispatchContext {
    @TaskLocal static var signals: [ObjectIdentifier] = []
}
