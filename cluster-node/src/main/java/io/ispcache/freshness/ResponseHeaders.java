package io.ispcache.freshness;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The origin's response header fields as stored with an object and sent with it again (RFC 9111
 * §3.1), and what a shared cache reads from them, parsed once: the Cache-Control directives that
 * apply to this cache, Date, Expires, Age and Vary.
 *
 * <p>Kept: every end-to-end field. Left out: hop-by-hop fields (RFC 9110 §7.6.1: Connection and
 * the fields it names, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*), fields that
 * describe one message rather than the object (Content-Length, Content-Range, Date, Age), fields
 * the node writes from the object's meta or itself (Content-Type, ETag, Last-Modified,
 * Accept-Ranges, Server, X-Cache) and {@code Set-Cookie}, which a shared cache never hands to a
 * second client.
 */
public final class ResponseHeaders {
  /** No stored fields (objects stored before fields were kept). */
  public static final ResponseHeaders EMPTY = new ResponseHeaders(List.of(), HttpDate.INVALID, HttpDate.INVALID, false, -1);

  /** What {@link #fromOrigin} gives for a header block larger than a cache stores: not storable. */
  private static final ResponseHeaders OVERSIZED =
      new ResponseHeaders(List.of(new Field("Cache-Control", "no-store")), HttpDate.INVALID, HttpDate.INVALID, false, -1);

  /** One field line. */
  public record Field(String name, String value) {}

  /** What this cache adds to Via (RFC 9110 §7.6.3), on what it serves and what it forwards. */
  public static final String VIA = "1.1 ispcache";

  /** Fields never stored besides the hop-by-hop ones, lower case. */
  private static final Set<String> NOT_STORED =
      Set.of(
          "content-length", "content-range", "date", "age", "content-type", "etag", "last-modified",
          "accept-ranges", "server", "x-cache", "set-cookie", "set-cookie2", "cache-status",
          // digests of the content of the message that carried them: a chunk's range, not the object
          "content-md5", "content-digest", "digest");

  /** The most fields and bytes stored per object: origins choose them, and every hit sends them. */
  static final int MAX_FIELDS = 64;

  static final int MAX_BYTES = 16 * 1024;

  private final List<Field> fields;
  private final CacheControl control;
  private final long date;
  private final long expires;
  private final boolean expiresPresent;
  private final long age;
  private final boolean targeted;

  private ResponseHeaders(List<Field> fields, long date, long expires, boolean expiresPresent, long age) {
    this.fields = fields;
    this.date = date;
    this.expires = expires;
    this.expiresPresent = expiresPresent;
    this.age = age;
    this.targeted = fields.stream().anyMatch(f -> f.name().equalsIgnoreCase("CDN-Cache-Control"));
    this.control = effectiveControl(fields);
  }

  /**
   * The fields to store from an origin response's header block ({@code name, value} in order);
   * Date and Age are read but not stored.
   */
  public static ResponseHeaders fromOrigin(Iterable<Map.Entry<String, String>> block) {
    return fromOrigin(block, HttpDate.INVALID);
  }

  /**
   * As {@link #fromOrigin(Iterable)}, with {@code receivedAt} standing for a missing or invalid
   * Date (RFC 9110 §6.6.1: a recipient assigns the time it received the message).
   */
  public static ResponseHeaders fromOrigin(Iterable<Map.Entry<String, String>> block, long receivedAt) {
    List<String> connection = new ArrayList<>(1);
    for (Map.Entry<String, String> e : block) {
      if (e.getKey().equalsIgnoreCase("Connection")) {
        connection.add(e.getValue());
      }
    }
    HopByHop hopByHop = HopByHop.of(connection);
    List<Field> kept = new ArrayList<>();
    long date = HttpDate.INVALID;
    long age = -1;
    int bytes = 0;
    for (Map.Entry<String, String> e : block) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("date")) {
        date = HttpDate.millis(e.getValue());
      } else if (name.equals("age")) {
        age = deltaSeconds(e.getValue());
      }
      if (NOT_STORED.contains(name) || hopByHop.contains(name)) {
        continue;
      }
      bytes += name.length() + e.getValue().length();
      if (kept.size() == MAX_FIELDS || bytes > MAX_BYTES) {
        return OVERSIZED; // relayed, never stored: the node will not send a trimmed header block
      }
      kept.add(new Field(e.getKey(), e.getValue()));
    }
    return of(kept, date == HttpDate.INVALID ? receivedAt : date, age);
  }

  private static ResponseHeaders of(List<Field> fields, long date, long age) {
    String expiresValue = null;
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase("Expires")) {
        expiresValue = f.value();
        break;
      }
    }
    return intern(new ResponseHeaders(
        List.copyOf(fields), date, expiresValue == null ? HttpDate.INVALID : HttpDate.millis(expiresValue), expiresValue != null, age));
  }

  /**
   * One instance per distinct block: every object's meta holds its fields in memory, and the
   * objects of one origin mostly share them (the same Cache-Control, the same Date of one release),
   * so a node with millions of objects keeps each distinct block once. Bounded: past
   * {@link #INTERNED} distinct blocks, new ones are kept per object.
   */
  private static ResponseHeaders intern(ResponseHeaders h) {
    if (h.fields.isEmpty() && h.date == HttpDate.INVALID && h.age < 0) {
      return EMPTY;
    }
    String key = h.encode();
    ResponseHeaders known = INTERN.get(key);
    if (known != null) {
      return known;
    }
    if (INTERN.size() < INTERNED) {
      ResponseHeaders raced = INTERN.putIfAbsent(key, h);
      return raced == null ? h : raced;
    }
    return h;
  }

  /** Distinct header blocks shared at most. */
  static final int INTERNED = 100_000;

  private static final java.util.concurrent.ConcurrentHashMap<String, ResponseHeaders> INTERN =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The stored fields, in the origin's order. */
  public List<Field> fields() {
    return fields;
  }

  /** All values of a field (any case), in order. */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>(1);
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        values.add(f.value());
      }
    }
    return values;
  }

  /**
   * The directives this cache obeys: {@code CDN-Cache-Control} when the origin sent it (RFC 9213
   * §2.1: a cache it targets uses it instead of Cache-Control), else {@code Cache-Control}, every
   * field line combined.
   */
  public CacheControl control() {
    return control;
  }

  /** The origin's Date in epoch milliseconds, or {@link HttpDates#INVALID}. */
  public long date() {
    return date;
  }

  /** Expires in epoch milliseconds; {@link HttpDates#INVALID} when absent or not a date. */
  public long expires() {
    return expires;
  }

  /**
   * Whether Expires applies: sent (an invalid one means "already expired", RFC 9111 §5.3), and no
   * {@code CDN-Cache-Control} overrides it (RFC 9213 §2.1: a targeted field replaces both).
   */
  public boolean hasExpires() {
    return expiresPresent && !targeted;
  }

  /** The Age the origin (or a cache before it) stated, in seconds, or -1. */
  public long age() {
    return age;
  }

  /**
   * Whether a shared cache may store the response: not {@code no-store}, not {@code private},
   * and a {@code Vary} this node can match (none, or {@code Accept-Encoding} only, as the node
   * asks the origin for the identity coding whatever the client accepts).
   */
  public boolean storable() {
    if (control.has("no-store") || control.has("private")) {
      return false;
    }
    for (String vary : all("Vary")) {
      for (String token : vary.split(",")) {
        String t = token.trim();
        if (!t.isEmpty() && !t.equalsIgnoreCase("Accept-Encoding")) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * These fields updated by the header block of a {@code 304} (or a same-revision 200) the origin
   * sent when it was asked to validate them (RFC 9111 §4.3.4): each field it sent replaces the
   * stored fields of that name; the rest stay.
   */
  public ResponseHeaders updatedBy(ResponseHeaders fresh) {
    Set<String> replaced = new HashSet<>();
    for (Field f : fresh.fields) {
      replaced.add(f.name().toLowerCase(Locale.ROOT));
    }
    List<Field> merged = new ArrayList<>(fields.size() + fresh.fields.size());
    for (Field f : fields) {
      if (!replaced.contains(f.name().toLowerCase(Locale.ROOT))) {
        merged.add(f);
      }
    }
    merged.addAll(fresh.fields);
    int bytes = 0;
    for (Field f : merged) {
      bytes += f.name().length() + f.value().length();
    }
    if (merged.size() > MAX_FIELDS || bytes > MAX_BYTES) {
      return OVERSIZED; // not storable: the object is dropped rather than its fields trimmed
    }
    return of(merged, fresh.date, fresh.age);
  }

  /** One string holding the fields, Date and Age: the meta file's and the peer protocol's form. */
  @JsonValue
  public String encode() {
    StringBuilder b = new StringBuilder();
    b.append(date).append(' ').append(age).append('\n');
    for (Field f : fields) {
      b.append(f.name()).append(':').append(f.value()).append('\n');
    }
    return b.toString();
  }

  /** The fields {@link #encode} wrote. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static ResponseHeaders decode(String encoded) {
    if (encoded == null || encoded.isEmpty()) {
      return EMPTY;
    }
    String[] lines = encoded.split("\n");
    String[] first = lines[0].split(" ");
    if (first.length != 2) {
      throw new IllegalArgumentException("stored header fields lack their date line");
    }
    long date = Long.parseLong(first[0]);
    long age = Long.parseLong(first[1]);
    List<Field> fields = new ArrayList<>(lines.length - 1);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("stored header field without a name: " + lines[i]);
      }
      fields.add(new Field(lines[i].substring(0, colon), lines[i].substring(colon + 1)));
    }
    return of(fields, date, age);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResponseHeaders r && r.encode().equals(encode());
  }

  @Override
  public int hashCode() {
    return encode().hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }

  private static CacheControl effectiveControl(List<Field> fields) {
    List<String> cdn = new ArrayList<>(1);
    List<String> plain = new ArrayList<>(1);
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase("CDN-Cache-Control")) {
        cdn.add(f.value());
      } else if (f.name().equalsIgnoreCase("Cache-Control")) {
        plain.add(f.value());
      }
    }
    CacheControl targeted = CacheControl.parse(cdn);
    return targeted.isEmpty() ? CacheControl.parse(plain) : targeted;
  }

  private static long deltaSeconds(String v) {
    String s = v.strip();
    if (s.isEmpty() || s.length() > 12) {
      return s.isEmpty() ? -1 : 1L << 31;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }
}
