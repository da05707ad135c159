package io.ispcache.content.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses an HTTP/1.x request head (RFC 9112 §2-§5) from bytes received so far. Strict where
 * leniency has been a smuggling or parsing hazard: no whitespace before a header's colon, no
 * folded lines, no control characters (obs-text in values is accepted), one Host, a Content-Length that is a number, never both
 * Content-Length and Transfer-Encoding.
 */
final class RequestParser {
  /** The longest request head accepted (request line and headers). */
  static final int MAX_HEAD = 32 * 1024;
  static final int MAX_TARGET = 8 * 1024;
  static final int MAX_HEADERS = 100;

  /** A request the server answers itself, with this status, and then closes the connection. */
  static final class BadRequest extends Exception {
    final int status;
    final String code;

    BadRequest(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  record Parsed(RequestHead head, int consumed) {}

  private RequestParser() {}

  /**
   * The request head in {@code bytes[from, to)}, or null when its end has not arrived yet.
   *
   * @throws BadRequest the head is malformed or larger than the limits
   */
  static Parsed parse(byte[] bytes, int from, int to) throws BadRequest {
    // Blank lines before a request line are ignored (RFC 9112 §2.2).
    int start = from;
    while (start + 1 < to && bytes[start] == '\r' && bytes[start + 1] == '\n') {
      start += 2;
    }
    int end = headEnd(bytes, start, to);
    if (end < 0) {
      if (to - start > MAX_HEAD) {
        throw new BadRequest(431, "request_header_too_large", "the request head is larger than " + MAX_HEAD + " bytes");
      }
      return null;
    }
    if (end - start > MAX_HEAD) {
      throw new BadRequest(431, "request_header_too_large", "the request head is larger than " + MAX_HEAD + " bytes");
    }
    int lineEnd = lineEnd(bytes, start, end);
    RequestLine line = requestLine(bytes, start, lineEnd);
    List<RequestHead.Header> headers = new ArrayList<>();
    int at = next(bytes, lineEnd);
    while (at < end) {
      int eol = lineEnd(bytes, at, end);
      if (eol == at) {
        break;
      }
      if (headers.size() == MAX_HEADERS) {
        throw new BadRequest(431, "request_header_too_large", "the request has more than " + MAX_HEADERS + " header fields");
      }
      headers.add(header(bytes, at, eol));
      at = next(bytes, eol);
    }
    RequestHead head = new RequestHead(line.method, line.target, line.http11, List.copyOf(headers), false);
    boolean body = checkFraming(head);
    if (body) {
      head = new RequestHead(line.method, line.target, line.http11, head.headers(), true);
    }
    return new Parsed(head, end - from);
  }

  private record RequestLine(String method, String target, boolean http11) {}

  private static RequestLine requestLine(byte[] b, int from, int to) throws BadRequest {
    int sp1 = indexOf(b, from, to, (byte) ' ');
    int sp2 = sp1 < 0 ? -1 : indexOf(b, sp1 + 1, to, (byte) ' ');
    if (sp1 <= from || sp2 < 0 || indexOf(b, sp2 + 1, to, (byte) ' ') >= 0) {
      throw new BadRequest(400, "bad_request", "the request line is not 'METHOD target HTTP/1.1'");
    }
    for (int i = from; i < sp1; i++) {
      if (!token(b[i])) {
        throw new BadRequest(400, "bad_request", "the request method is not a token");
      }
    }
    if (sp2 - sp1 - 1 > MAX_TARGET) {
      throw new BadRequest(414, "uri_too_long", "the request target is longer than " + MAX_TARGET + " bytes");
    }
    if (sp2 == sp1 + 1) {
      throw new BadRequest(400, "bad_request", "the request target is empty");
    }
    for (int i = sp1 + 1; i < sp2; i++) {
      // A target is ASCII (RFC 3986 §2): bytes 0x80-0xFF (negative here) are refused with the controls.
      if (b[i] <= ' ' || b[i] == 0x7f) {
        throw new BadRequest(400, "bad_request", "the request target holds a space, control or non-ASCII character");
      }
      if (b[i] == '#') {
        // RFC 9112 §3.2: no form of request target carries a fragment; a parser along the way
        // would cut the path there and another would not.
        throw new BadRequest(400, "bad_request", "the request target holds a fragment (#)");
      }
    }
    String version = new String(b, sp2 + 1, to - sp2 - 1, StandardCharsets.ISO_8859_1);
    boolean http11;
    if (version.equals("HTTP/1.1")) {
      http11 = true;
    } else if (version.equals("HTTP/1.0")) {
      http11 = false;
    } else if (version.length() == 8 && version.startsWith("HTTP/1.") && version.charAt(7) >= '2' && version.charAt(7) <= '9') {
      // RFC 9110 §6.2: a later minor version of HTTP/1 is answered as the highest one served.
      http11 = true;
    } else if (version.matches("HTTP/[0-9]\\.[0-9]")) {
      throw new BadRequest(505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are served, not " + version);
    } else {
      throw new BadRequest(400, "bad_request", "the request line does not end in an HTTP version");
    }
    String method = new String(b, from, sp1 - from, StandardCharsets.ISO_8859_1);
    String target = new String(b, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
    if (target.charAt(0) != '/' && !target.startsWith("http://") && !target.startsWith("https://")) {
      throw new BadRequest(400, "bad_request", "the request target is neither a path nor an absolute http URI");
    }
    return new RequestLine(method, target, http11);
  }

  private static RequestHead.Header header(byte[] b, int from, int to) throws BadRequest {
    if (b[from] == ' ' || b[from] == '\t') {
      throw new BadRequest(400, "bad_request", "folded header lines are not accepted");
    }
    int colon = indexOf(b, from, to, (byte) ':');
    if (colon <= from) {
      throw new BadRequest(400, "bad_request", "a header line has no field name and colon");
    }
    for (int i = from; i < colon; i++) {
      if (!token(b[i])) {
        throw new BadRequest(400, "bad_request", "a header field name holds a character that is not allowed");
      }
    }
    int v = colon + 1;
    int e = to;
    while (v < e && (b[v] == ' ' || b[v] == '\t')) {
      v++;
    }
    while (e > v && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
      e--;
    }
    for (int i = v; i < e; i++) {
      // RFC 9110 §5.5: field-vchar includes obs-text (0x80-0xFF, a UTF-8 User-Agent); the
      // bytes are compared unsigned so that only CTLs other than HTAB, and DEL, are refused.
      int c = b[i] & 0xff;
      if ((c < ' ' && c != '\t') || c == 0x7f) {
        throw new BadRequest(400, "bad_request", "a header value holds a control character");
      }
    }
    return new RequestHead.Header(
        new String(b, from, colon - from, StandardCharsets.ISO_8859_1), new String(b, v, e - v, StandardCharsets.ISO_8859_1));
  }

  /** Whether the request announces a body; rejects the framings that are ambiguous. */
  private static boolean checkFraming(RequestHead head) throws BadRequest {
    String length = null;
    boolean transferEncoding = false;
    int hosts = 0;
    for (RequestHead.Header h : head.headers()) {
      if (h.name().equalsIgnoreCase("Host")) {
        hosts++;
      } else if (h.name().equalsIgnoreCase("Content-Length")) {
        if (length != null && !length.equals(h.value())) {
          throw new BadRequest(400, "bad_request", "the request has two different Content-Length values");
        }
        length = h.value();
      } else if (h.name().equalsIgnoreCase("Transfer-Encoding")) {
        transferEncoding = true;
      }
    }
    if (hosts > 1) {
      throw new BadRequest(400, "bad_request", "the request has more than one Host header");
    }
    if (hosts == 0 && head.http11()) {
      throw new BadRequest(400, "bad_request", "an HTTP/1.1 request must carry a Host header");
    }
    if (transferEncoding && length != null) {
      throw new BadRequest(400, "bad_request", "the request has both Content-Length and Transfer-Encoding");
    }
    if (length != null) {
      if (length.isEmpty() || length.length() > 18 || !length.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new BadRequest(400, "bad_request", "the request's Content-Length is not a number: " + length);
      }
      return Long.parseLong(length) > 0;
    }
    return transferEncoding;
  }

  /** Index just past the blank line that ends the head, or -1. Accepts CRLF and bare LF. */
  static int headEnd(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        if (i + 1 < to && b[i + 1] == '\n') {
          return i + 2;
        }
        if (i + 2 < to && b[i + 1] == '\r' && b[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return -1;
  }

  /** The end of the line starting at {@code from} (before its CR LF or LF). */
  private static int lineEnd(byte[] b, int from, int to) {
    int lf = indexOf(b, from, to, (byte) '\n');
    int end = lf < 0 ? to : lf;
    return end > from && b[end - 1] == '\r' ? end - 1 : end;
  }

  private static int next(byte[] b, int lineEnd) {
    return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
  }

  private static int indexOf(byte[] b, int from, int to, byte c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** RFC 9110 §5.6.2 tchar. */
  private static boolean token(byte c) {
    if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
      return true;
    }
    return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }
}
