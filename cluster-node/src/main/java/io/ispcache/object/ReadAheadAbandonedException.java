package io.ispcache.object;

/** Why a fill read ahead was given up: no client of this node waits for its object any more. */
final class ReadAheadAbandonedException extends RuntimeException {
  ReadAheadAbandonedException(String key, long chunk) {
    super("chunk " + chunk + " of " + key + " was read ahead for clients that have all left", null, false, false);
  }
}
