package io.ispcache.origin;

/**
 * What an origin response says about the whole object: total length and validators. Two
 * responses describe the same revision only when all validators agree.
 */
public record OriginObject(long length, String etag, String lastModified, String contentType) {}
