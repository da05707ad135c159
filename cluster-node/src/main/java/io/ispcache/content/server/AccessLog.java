package io.ispcache.content.server;

import java.net.InetSocketAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per content response on logger {@code ispcache.access}, in the NCSA combined format
 * that nginx and Apache write (log analysers read it as it is), followed by the cache status and
 * the seconds taken, as nginx's {@code $upstream_cache_status $request_time}:
 *
 * <pre>192.0.2.7 - - [03/Dec/2026:16:20:00 +0000] "GET /x.cab HTTP/1.1" 200 5243120 "-" "Windows-Update-Agent" HIT 0.012</pre>
 *
 * The byte count is what was sent, head included (nginx's {@code $bytes_sent}); a response the
 * client broke off counts what it got. Off unless the logger is enabled (installed nodes: access.log).
 */
final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("ispcache.access");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  private AccessLog() {}

  static boolean enabled() {
    return log.isInfoEnabled();
  }

  /** Logs one response; {@code request} is null when the request head could not be read. */
  static void log(InetSocketAddress client, RequestHead request, int status, long bytes, String cache, long nanos) {
    log.info(line(client, ZonedDateTime.now(ZoneOffset.UTC), request, status, bytes, cache, nanos));
  }

  static String line(InetSocketAddress client, ZonedDateTime at, RequestHead request, int status, long bytes, String cache, long nanos) {
    StringBuilder b = new StringBuilder(256);
    b.append(client.getAddress().getHostAddress()).append(" - - [").append(TIME.format(at)).append("] \"");
    if (request == null) {
      b.append('-');
    } else {
      escape(b, request.method() + " " + request.target() + (request.http11() ? " HTTP/1.1" : " HTTP/1.0"));
    }
    b.append("\" ").append(status).append(' ').append(bytes).append(" \"");
    escape(b, request == null ? null : request.header("referer"));
    b.append("\" \"");
    escape(b, request == null ? null : request.header("user-agent"));
    b.append("\" ").append(cache == null || cache.isEmpty() ? "-" : cache.replace(' ', '_').replace("\"", ""));
    b.append(' ').append(String.format(Locale.ROOT, "%.3f", nanos / 1e9));
    return b.toString();
  }

  /** As nginx: quotes, backslashes and bytes outside printable ASCII as \xHH, so a line stays one field per field. */
  private static void escape(StringBuilder b, String s) {
    if (s == null || s.isEmpty()) {
      b.append('-');
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        b.append(String.format(Locale.ROOT, "\\x%02X", c & 0xff));
      } else {
        b.append(c);
      }
    }
  }
}
