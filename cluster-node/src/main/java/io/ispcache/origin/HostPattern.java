package io.ispcache.origin;

import java.util.Locale;

/**
 * One allowlist entry: an exact host name ({@code download.windowsupdate.com}), a suffix pattern
 * ({@code *.download.windowsupdate.com}, which matches any host below that domain but not the
 * domain itself, as in TLS wildcard rules extended to any depth), or {@code *}, any host, which
 * only an origin in reverse-proxy mode (a fixed upstream address) may list: {@link OriginSettings}
 * refuses it anywhere else, so the node is never an open proxy.
 */
public record HostPattern(String pattern) {
  private static final int MAX_NAME = 253;
  private static final int MAX_LABEL = 63;
  /** The pattern of every host. */
  public static final String ANY = "*";

  public HostPattern {
    pattern = pattern.trim().toLowerCase(Locale.ROOT);
    String host = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
    if (!pattern.equals(ANY) && !isHostName(host)) {
      throw new IllegalArgumentException(
          "must be a host name, *.suffix or * of letters, digits, '-' and '.'");
    }
  }

  /**
   * True for a syntactically valid DNS host name (lower case, no port, no trailing dot): at most
   * 253 characters of dot-separated labels, each 1 to 63 of {@code a-z 0-9 -}, not starting or
   * ending with '-'. Checked on every content request, so by hand rather than with a regex.
   */
  public static boolean isHostName(String host) {
    if (host == null || host.isEmpty() || host.length() > MAX_NAME) {
      return false;
    }
    int labelStart = 0;
    for (int i = 0; i <= host.length(); i++) {
      char c = i < host.length() ? host.charAt(i) : '.';
      if (c == '.') {
        int length = i - labelStart;
        if (length == 0 || length > MAX_LABEL || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
          return false;
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Whether this is a {@code *.suffix} or {@code *} entry rather than one host named exactly. */
  public boolean isWildcard() {
    return pattern.startsWith("*");
  }

  /** Whether this is {@code *}: every host. */
  public boolean isAny() {
    return pattern.equals(ANY);
  }

  public boolean matches(String host) {
    if (isAny()) {
      return true;
    }
    if (pattern.startsWith("*.")) {
      return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
    }
    return host.equals(pattern);
  }
}
