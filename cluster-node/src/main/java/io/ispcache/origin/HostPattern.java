package io.ispcache.origin;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One allowlist entry: an exact host name ({@code download.windowsupdate.com}) or a suffix
 * pattern ({@code *.download.windowsupdate.com}, which matches any host below that domain but not
 * the domain itself, as in TLS wildcard rules extended to any depth).
 */
public record HostPattern(String pattern) {
  private static final Pattern LABELS =
      Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");

  public HostPattern {
    pattern = pattern.trim().toLowerCase(Locale.ROOT);
    String host = pattern.startsWith("*.") ? pattern.substring(2) : pattern;
    if (!isHostName(host)) {
      throw new IllegalArgumentException(
          "must be a host name or *.suffix of letters, digits, '-' and '.'");
    }
  }

  /** True for a syntactically valid DNS host name (lower case, no port, no trailing dot). */
  public static boolean isHostName(String host) {
    return host != null && LABELS.matcher(host).matches();
  }

  public boolean matches(String host) {
    if (pattern.startsWith("*.")) {
      return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
    }
    return host.equals(pattern);
  }
}
