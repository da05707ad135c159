package io.ispcache.content.server;

import java.util.List;

/**
 * One parsed HTTP/1.x request line and header block. Header names keep their spelling; lookups
 * ignore case. {@code hasBody}: the request announces a body (a Content-Length above 0, or a
 * Transfer-Encoding). The server reads the body of any method but GET and HEAD ({@link
 * RequestBody}, bounded); a GET or HEAD that announces one is answered and its connection closed.
 */
public record RequestHead(String method, String target, boolean http11, List<Header> headers, boolean hasBody) {

  public record Header(String name, String value) {}

  /** The first header of that name (any case), or null. */
  public String header(String name) {
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase(name)) {
        return h.value();
      }
    }
    return null;
  }

  /** The path of an origin-form target ({@code /a/b?q}), or of an absolute-form one. */
  public String path() {
    String t = target;
    int scheme = t.indexOf("://");
    if (scheme > 0 && t.charAt(0) != '/') {
      int slash = t.indexOf('/', scheme + 3);
      t = slash < 0 ? "/" : t.substring(slash);
    }
    int q = t.indexOf('?');
    return q < 0 ? t : t.substring(0, q);
  }

  /** The raw query string (without {@code ?}), or null when there is none. */
  public String rawQuery() {
    int q = target.indexOf('?');
    return q < 0 ? null : target.substring(q + 1);
  }

  /**
   * Whether the connection stays open after this exchange: RFC 9112 §9.6, a {@code close} among
   * the tokens of any Connection line closes it, whatever else is listed; an HTTP/1.0 request
   * keeps it only when it lists {@code keep-alive}.
   */
  public boolean keepAlive() {
    boolean keepAliveToken = false;
    for (Header h : headers) {
      if (h.name().equalsIgnoreCase("Connection")) {
        for (String token : h.value().split(",")) {
          String t = token.trim();
          if (t.equalsIgnoreCase("close")) {
            return false;
          }
          keepAliveToken |= t.equalsIgnoreCase("keep-alive");
        }
      }
    }
    return http11 || keepAliveToken;
  }
}
