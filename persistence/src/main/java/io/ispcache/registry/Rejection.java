package io.ispcache.registry;

/**
 * Why the registry refused a command: an HTTP-like status, the offending field and a sentence.
 * Travels inside {@code StatusReply.error(String)} so it crosses the network without custom
 * exception serialisation.
 */
public record Rejection(int status, String field, String message) {
  private static final char SEP = '|';

  public String encode() {
    return status + "" + SEP + (field == null ? "" : field) + SEP + message;
  }

  public static Rejection decode(String encoded) {
    int a = encoded.indexOf(SEP);
    int b = a < 0 ? -1 : encoded.indexOf(SEP, a + 1);
    if (a < 0 || b < 0) {
      return new Rejection(500, null, encoded);
    }
    try {
      String field = encoded.substring(a + 1, b);
      return new Rejection(Integer.parseInt(encoded.substring(0, a)), field.isEmpty() ? null : field, encoded.substring(b + 1));
    } catch (NumberFormatException e) {
      return new Rejection(500, null, encoded);
    }
  }

  static RejectedException badRequest(String field, String message) {
    return new RejectedException(new Rejection(400, field, message));
  }

  static RejectedException notFound(String what) {
    return new RejectedException(new Rejection(404, null, what + " does not exist"));
  }

  static RejectedException conflict(String field, String message) {
    return new RejectedException(new Rejection(409, field, message));
  }

  /** Thrown inside the command handler, turned into a StatusReply error there. */
  static final class RejectedException extends RuntimeException {
    final Rejection rejection;

    RejectedException(Rejection rejection) {
      super(rejection.message(), null, false, false);
      this.rejection = rejection;
    }
  }
}
