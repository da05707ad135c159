package io.ispcache.api;

/** An API error answered as RFC 9457 problem details. */
final class ApiException extends RuntimeException {
  final int status;
  final String field;

  ApiException(int status, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static ApiException badRequest(String field, String message) {
    return new ApiException(400, field, message);
  }

  static ApiException unauthorized() {
    return new ApiException(401, null, "send Authorization: Bearer <API key>; the key is missing or not valid");
  }

  static ApiException forbidden(String what) {
    return new ApiException(403, null, what);
  }

  static ApiException notFound(String what) {
    return new ApiException(404, null, what + " does not exist");
  }
}
