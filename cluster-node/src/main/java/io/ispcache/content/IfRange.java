package io.ispcache.content;

/** Evaluates {@code If-Range} (RFC 9110 §13.1.5). */
public final class IfRange {
  private IfRange() {}

  /**
   * True when the range may be sent: no header, a strong entity-tag equal to the stored strong
   * ETag, or an HTTP-date exactly equal to Last-Modified. A weak tag never matches.
   */
  public static boolean holds(String ifRange, String etag, String lastModified) {
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.strip();
    if (v.startsWith("W/")) {
      return false;
    }
    if (v.startsWith("\"")) {
      return etag != null && !etag.startsWith("W/") && etag.equals(v);
    }
    return lastModified != null && lastModified.strip().equals(v);
  }
}
