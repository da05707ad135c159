package io.ispcache.content;

import java.util.Map;

/**
 * A request the content server refuses, with the status, a stable error code and a sentence; the
 * {@code details} become extra fields of the JSON body.
 */
final class ContentError extends RuntimeException {
  final int status;
  final String code;
  final Map<String, Object> details;

  ContentError(int status, String code, String message, Map<String, Object> details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details;
  }

  ContentError(int status, String code, String message) {
    this(status, code, message, Map.of());
  }
}
