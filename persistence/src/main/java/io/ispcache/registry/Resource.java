package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;

/** A customer's named group of cache nodes. */
public record Resource(String id, String customerId, String name) implements CborSerializable {}
