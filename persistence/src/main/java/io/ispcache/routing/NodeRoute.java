package io.ispcache.routing;

import io.ispcache.serialization.CborSerializable;

/** A cache node clients may be steered to. */
public record NodeRoute(String nodeId, String customerId, String name, String serverIp, int maxEgressMbps)
    implements CborSerializable {}
