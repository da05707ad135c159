package io.ispcache.registry;

import io.ispcache.serialization.CborSerializable;

/** A cache drive as registered for a node: its path on the node and its size in GB. */
public record NodeDrive(String path, int sizeGb) implements CborSerializable {}
