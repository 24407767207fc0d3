/// What ``Signal/connect(_:priority:defaultResponse:_:)`` returns: pass it to ``Signal/disconnect(_:)`` to remove
/// the listener.
///
/// A token names one connection of one signal; another signal does not recognise it.
public struct ListenerToken: Hashable, Sendable {
    let signal: ObjectIdentifier
    let sequence: UInt64
}
