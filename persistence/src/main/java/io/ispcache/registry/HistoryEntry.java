package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;
import java.time.Instant;

/** One change to a cache node: when, by whom, and what. */
public record HistoryEntry(Instant at, String actor, String change) implements CborSerializable {}
