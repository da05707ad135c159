package io.ispcache.store;

import java.nio.file.Path;

/** One cache drive: an absolute directory on dedicated storage and the bytes it may hold. */
public record DriveSettings(Path path, long maxBytes) {}
