package io.ispcache.origin;

/** The origin could not deliver: the cache answers 502 or 504 and commits nothing. */
public final class OriginException extends RuntimeException {
  /** Why the fetch failed; decides the status the client sees. */
  public enum Kind {
    UNREACHABLE,
    TIMEOUT,
    SERVER_ERROR,
    BAD_RESPONSE
  }

  private final Kind kind;

  public OriginException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public OriginException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** 504 for a timeout, 502 for everything else, as a gateway reports upstream trouble. */
  public int status() {
    return kind == Kind.TIMEOUT ? 504 : 502;
  }
}
