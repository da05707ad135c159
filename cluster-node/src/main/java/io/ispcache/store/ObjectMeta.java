package io.ispcache.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the origin told us about an object; {@link #version()} names one immutable revision, so
 * chunks of two revisions are never mixed.
 */
public record ObjectMeta(
    String key,
    long length,
    String etag,
    String lastModified,
    String contentType,
    long storedAtEpochMillis) {

  public ObjectMeta {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an object needs a cache key");
    }
    if (length < 0) {
      throw new IllegalArgumentException("object " + key + ": length " + length + " is negative");
    }
  }

  /** A short stable hash over the validators and the length. */
  public String version() {
    String v = (etag == null ? "" : etag) + "\n" + (lastModified == null ? "" : lastModified) + "\n" + length;
    return hex(v).substring(0, 16);
  }

  public long chunkCount(int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  static String hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
