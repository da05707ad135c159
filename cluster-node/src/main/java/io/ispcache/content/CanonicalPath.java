package io.ispcache.content;

/**
 * The one spelling of a request path that the cache keys on and sends upstream: RFC 3986 §6.2.2
 * normalisation, so {@code /a/%2e%2e/b}, {@code /a/../b} and {@code /%62} are the object
 * {@code /b}, stored once and fetched once.
 *
 * <ul>
 *   <li>percent-encoded unreserved characters ({@code ALPHA DIGIT - . _ ~}) are decoded, the hex
 *       digits of every other percent-encoding upper-cased (§6.2.2.1-2); an encoded {@code /}
 *       ({@code %2F}) stays encoded: it is data inside a segment, not a separator;
 *   <li>characters a path may not hold raw ({@code " < > \ ^ ` { | }}) are percent-encoded, as
 *       browsers and curl send them;
 *   <li>dot segments are removed (§5.2.4), after decoding, so {@code %2e%2e} counts as {@code ..};
 *       a {@code ..} above the root stays at the root, as the RFC's algorithm does.
 * </ul>
 *
 * Refused with a 400: a malformed percent-encoding ({@code %zz}), an encoded NUL ({@code %00}),
 * control or non-ASCII characters, and a path that starts with {@code //} (before or after dot
 * removal). The last is refused rather than collapsed: {@code //evil.example/a.txt} is read as an
 * authority by URI parsers along the way (java.net.URI, Akka, some origins and proxies), so
 * passing it on invites one hop to fetch a host another hop never checked; collapsing it to
 * {@code /evil.example/a.txt} would answer for a path the client did not ask for. No CDN client
 * the cache serves sends one. Empty segments elsewhere ({@code /a//b}) are kept: they are
 * unambiguous and an origin may tell them apart.
 */
final class CanonicalPath {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private CanonicalPath() {}

  /**
   * The canonical form of {@code path} (the request target's path, without the query); the same
   * String when it is already canonical, so a hit allocates nothing here.
   *
   * @throws ContentError 400 {@code bad_path} for what cannot be made safe (see the class comment)
   */
  static String of(String path) {
    if (isCanonical(path)) {
      return path;
    }
    if (path.isEmpty() || path.charAt(0) != '/') {
      throw refused("the request path must start with /");
    }
    StringBuilder decoded = new StringBuilder(path.length() + 16);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        int hi = i + 2 < path.length() ? hexValue(path.charAt(i + 1)) : -1;
        int lo = hi < 0 ? -1 : hexValue(path.charAt(i + 2));
        if (lo < 0) {
          throw refused("the request path holds a % that is not followed by two hex digits");
        }
        int b = hi * 16 + lo;
        if (b == 0) {
          throw refused("the request path holds an encoded NUL (%00)");
        }
        if (unreserved(b)) {
          decoded.append((char) b);
        } else {
          encode(decoded, b);
        }
        i += 2;
      } else if (pathChar(c)) {
        decoded.append(c);
      } else if (c > ' ' && c < 0x7f) {
        encode(decoded, c);
      } else {
        throw refused("the request path holds a space, control or non-ASCII character");
      }
    }
    String result = removeDotSegments(decoded);
    if (result.startsWith("//")) {
      throw refused("the request path starts with //, which reads as a host name");
    }
    return result;
  }

  /** Whether {@code path} is its own canonical form; allocates nothing. */
  static boolean isCanonical(String path) {
    int n = path.length();
    if (n == 0 || path.charAt(0) != '/' || (n > 1 && path.charAt(1) == '/')) {
      return false;
    }
    int segmentStart = 1;
    for (int i = 1; i <= n; i++) {
      char c = i < n ? path.charAt(i) : '/';
      if (c == '/') {
        int length = i - segmentStart;
        if ((length == 1 && path.charAt(segmentStart) == '.')
            || (length == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.')) {
          return false;
        }
        segmentStart = i + 1;
      } else if (c == '%') {
        if (i + 2 >= n) {
          return false;
        }
        int hi = upperHexValue(path.charAt(i + 1));
        int lo = upperHexValue(path.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          return false;
        }
        int b = hi * 16 + lo;
        if (b == 0 || unreserved(b)) {
          return false;
        }
        i += 2;
      } else if (!pathChar(c)) {
        return false;
      }
    }
    return true;
  }

  /** RFC 3986 §5.2.4, on a path that starts with {@code /} and whose dots are decoded. */
  private static String removeDotSegments(CharSequence in) {
    StringBuilder out = new StringBuilder(in.length());
    int n = in.length();
    int i = 0; // in[i..] is the input buffer; it always starts with '/' or is empty
    while (i < n) {
      int end = i + 1;
      while (end < n && in.charAt(end) != '/') {
        end++;
      }
      int length = end - i - 1; // the segment after the '/' at i
      boolean dot = length == 1 && in.charAt(i + 1) == '.';
      boolean dotDot = length == 2 && in.charAt(i + 1) == '.' && in.charAt(i + 2) == '.';
      if (dot || dotDot) {
        if (dotDot) {
          int last = out.lastIndexOf("/");
          out.setLength(Math.max(last, 0));
        }
        if (end == n) {
          out.append('/'); // "/." or "/.." at the end leaves the directory: "/a/b/.." is "/a/"
        }
      } else {
        out.append(in, i, end);
      }
      i = end;
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static ContentError refused(String message) {
    return new ContentError(400, "bad_path", message);
  }

  private static void encode(StringBuilder b, int value) {
    b.append('%').append(HEX[value >> 4]).append(HEX[value & 0xf]);
  }

  /** RFC 3986 §2.3. */
  private static boolean unreserved(int c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~';
  }

  /** pchar without pct-encoded (RFC 3986 §3.3), or the segment separator. */
  private static boolean pathChar(char c) {
    return unreserved(c) || c == '/' || c == ':' || c == '@' || "!$&'()*+,;=".indexOf(c) >= 0;
  }

  private static int hexValue(char c) {
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return upperHexValue(c);
  }

  private static int upperHexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
