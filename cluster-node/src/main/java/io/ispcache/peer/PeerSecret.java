package io.ispcache.peer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The shared secret that proves a transfer request comes from a member of this cluster: every
 * node is configured with the same value ({@code ispcache.peer.secret}), sends it in
 * {@link PeerProtocol#SECRET} and serves chunks only to requests that present it.
 */
public final class PeerSecret {
  /** Shortest accepted secret: 32 characters of {@code openssl rand -base64 32} are ~190 bits. */
  static final int MIN_LENGTH = 32;

  /** No secret: allowed only on a transfer port bound to loopback, where every request is admitted. */
  public static final PeerSecret NONE = new PeerSecret("");

  private final String value;
  private final byte[] digest;

  private PeerSecret(String value) {
    this.value = value;
    this.digest = sha256(value);
  }

  /**
   * A configured secret.
   *
   * @throws IllegalArgumentException with the rule it breaks (the message never holds the value)
   */
  public static PeerSecret of(String value) {
    if (value.isEmpty()) {
      return NONE;
    }
    if (value.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("must be at least " + MIN_LENGTH + " characters (openssl rand -base64 32)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException("must be printable ASCII without blanks (it travels in a header field)");
      }
    }
    return new PeerSecret(value);
  }

  public boolean isNone() {
    return value.isEmpty();
  }

  /** The value a client sends; empty for {@link #NONE}. */
  String value() {
    return value;
  }

  /**
   * Whether {@code presented} (null when absent) is this secret. Digests of equal length are
   * compared in constant time, so neither the secret's length nor a matching prefix leaks through
   * the time a refusal takes.
   */
  boolean admits(String presented) {
    if (isNone()) {
      return true;
    }
    return MessageDigest.isEqual(digest, sha256(presented == null ? "" : presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return isNone() ? "(none)" : "(hidden)";
  }
}
