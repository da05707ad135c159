package io.ispcache.store;

import io.ispcache.freshness.ResponseHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What the origin told us about an object; {@code version} names one immutable revision, so
 * chunks of two revisions are never mixed. It is a short stable hash over the validators and the
 * length, computed once here because every chunk lookup on the request path needs it.
 *
 * <p>{@code headers} are the origin's stored response fields; {@code validatedAtMillis} is when
 * the origin last answered for this revision (its fill, or a {@code 304}), and
 * {@code initialAgeMillis} the age its answer had then (RFC 9111 §4.2.3): together they give the
 * object's current age.
 */
public record ObjectMeta(
    String key,
    long length,
    String etag,
    String lastModified,
    String contentType,
    long storedAtEpochMillis,
    String version,
    ResponseHeaders headers,
    long validatedAtMillis,
    long initialAgeMillis) {

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
    if (headers == null) {
      headers = ResponseHeaders.EMPTY;
    }
    if (validatedAtMillis == 0) {
      validatedAtMillis = storedAtEpochMillis;
    }
    initialAgeMillis = Math.max(0, initialAgeMillis);
  }

  /** Meta without stored header fields, validated when stored. */
  public ObjectMeta(String key, long length, String etag, String lastModified, String contentType, long storedAtEpochMillis) {
    this(key, length, etag, lastModified, contentType, storedAtEpochMillis, null, ResponseHeaders.EMPTY, storedAtEpochMillis, 0);
  }

  /**
   * The same revision after the origin confirmed it at {@code validatedAt} (RFC 9111 §4.3.4): its
   * stored fields updated by those of the confirmation, its age counted afresh.
   */
  public ObjectMeta validated(ResponseHeaders confirmation, long validatedAt, long initialAge) {
    return new ObjectMeta(
        key, length, etag, lastModified, contentType, storedAtEpochMillis, version,
        headers.updatedBy(confirmation), validatedAt, initialAge);
  }

  /** The object's current age in milliseconds (RFC 9111 §4.2.3). */
  public long ageMillis(long now) {
    return io.ispcache.freshness.Freshness.currentAge(initialAgeMillis, validatedAtMillis, now);
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
