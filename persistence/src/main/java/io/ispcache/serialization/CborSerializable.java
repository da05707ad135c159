package io.ispcache.serialization;

/**
 * Marker for every message, event and state that crosses the network or the journal.
 * Bound to {@code jackson-cbor} in {@code reference.conf}; never rename an implementing class
 * without a Jackson migration.
 */
public interface CborSerializable {}
