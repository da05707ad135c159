package io.ispcache.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the origin told us about an object; {@code version} names one immutable revision, so
 * chunks of two revisions are never mixed. It is a short stable hash over the validators and the
 * length, computed once here because every chunk lookup on the request path needs it.
 */
public record ObjectMeta(
    String key,
    long length,
    String etag,
    String lastModified,
    String contentType,
    long storedAtEpochMillis,
    String version) {

  public ObjectMeta {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an object needs a cache key");
    }
    if (length < 0) {
      throw new IllegalArgumentException("object " + key + ": length " + length + " is negative");
    }
    String derived = versionOf(etag, lastModified, length);
    if (version != null && !version.equals(derived)) {
      throw new IllegalArgumentException("object " + key + ": version " + version + " does not match its validators");
    }
    version = derived;
  }

  public ObjectMeta(String key, long length, String etag, String lastModified, String contentType, long storedAtEpochMillis) {
    this(key, length, etag, lastModified, contentType, storedAtEpochMillis, null);
  }

  private static String versionOf(String etag, String lastModified, long length) {
    String v = (etag == null ? "" : etag) + "\n" + (lastModified == null ? "" : lastModified) + "\n" + length;
    return hex(v).substring(0, 16);
  }

  public long chunkCount(int chunkSize) {
    return (length + chunkSize - 1) / chunkSize;
  }

  /**
   * Hex SHA-256 of {@code s}. A chunk's file name derives from it on every hit, so each thread
   * keeps its own digest instead of looking one up among the security providers per call.
   */
  static String hex(String s) {
    MessageDigest digest = SHA256.get();
    return HexFormat.of().formatHex(digest.digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });
}
