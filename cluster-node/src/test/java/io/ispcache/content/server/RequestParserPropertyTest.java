package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the content port's request-head parser (RFC 9112 §2-§5): whatever bytes a client
 * sends, it waits for more, parses a head, or refuses it with a status the server answers (never
 * another exception); heads built from the grammar parse to what they say.
 */
class RequestParserPropertyTest {
  /** The statuses a refused head is answered with. */
  static final Set<Integer> REFUSALS = Set.of(400, 414, 431, 505);

  /** Bytes that matter to the grammar, mixed into arbitrary ones. */
  @Provide
  Arbitrary<byte[]> clientBytes() {
    Arbitrary<String> pieces =
        Arbitraries.oneOf(
            Arbitraries.of("GET", "HEAD", " ", "\t", "\r", "\n", "\r\n", "\r\n\r\n", "\n\n", ":", "/", "HTTP/1.1", "HTTP/1.0",
                "HTTP/2.0", "HTTP/1.9", "Host: a\r\n", "Content-Length: ", "Transfer-Encoding: chunked\r\n", "0", "-1",
                "99999999999999999999", "#", "?", "\u0000", "\u007f", "\u00ff", "http://h/"),
            Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(6));
    Arbitrary<byte[]> grammarish =
        pieces.list().ofMaxSize(40).map(l -> String.join("", l).getBytes(StandardCharsets.ISO_8859_1));
    return Arbitraries.oneOf(grammarish, Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
  }

  @Property(tries = 3000)
  void anyBytesWaitParseOrAreRefusedWithAnAnswerableStatus(@ForAll("clientBytes") byte[] bytes) {
    RequestParser.Parsed parsed;
    try {
      parsed = RequestParser.parse(bytes, 0, bytes.length);
    } catch (RequestParser.BadRequest e) {
      assertTrue(REFUSALS.contains(e.status), e.status + " " + e.getMessage());
      return;
    }
    if (parsed != null) {
      assertTrue(parsed.consumed() > 0 && parsed.consumed() <= bytes.length, "consumed " + parsed.consumed());
      RequestHead head = parsed.head();
      assertTrue(head.target().startsWith("/") || head.target().startsWith("http://") || head.target().startsWith("https://"),
          head.target());
      long hosts = head.headers().stream().filter(h -> h.name().equalsIgnoreCase("Host")).count();
      assertTrue(hosts == 1 || hosts == 0 && !head.http11(), "Host fields: " + hosts);
      for (RequestHead.Header h : head.headers()) {
        assertTrue(h.value().chars().noneMatch(c -> c < ' ' && c != '\t' || c == 0x7f), h.value());
        assertTrue(!h.value().startsWith(" ") && !h.value().endsWith(" "), "[" + h.value() + "]");
      }
    }
  }

  /** A request head as the grammar allows it, and what it says. */
  record Head(String text, String method, String target, boolean http11, List<RequestHead.Header> headers) {}

  @Provide
  Arbitrary<Head> heads() {
    Arbitrary<String> method = Arbitraries.oneOf(Arbitraries.of("GET", "HEAD", "OPTIONS"),
        Arbitraries.strings().withChars("abcXYZ019!#$%&'*+-.^_`|~").ofMinLength(1).ofMaxLength(10));
    Arbitrary<String> target =
        Arbitraries.strings().withChars("abcz0189-._~!$&'()*+,;=:@%/?").ofMaxLength(60).map(s -> "/" + s);
    Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/1.5");
    Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ-019_!~").ofMinLength(1).ofMaxLength(12)
        .filter(n -> !Set.of("host", "content-length", "transfer-encoding").contains(n.toLowerCase()));
    // field-vchar and obs-text with inner spaces and tabs; the value never starts or ends with them
    Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').withCharRange('\u0080', '\u00ff').withChars(' ', '\t')
        .ofMaxLength(30).map(v -> v.replaceAll("^[ \t]+|[ \t]+$", ""));
    Arbitrary<RequestHead.Header> header = Combinators.combine(name, value).as(RequestHead.Header::new);
    Arbitrary<String> ows = Arbitraries.of("", " ", "  ", "\t", " \t");
    Arbitrary<String> eol = Arbitraries.of("\r\n", "\r\n", "\n");
    return Combinators.combine(method, target, version, header.list().ofMaxSize(12), ows, eol, Arbitraries.integers().between(0, 2))
        .as((m, t, v, hs, space, lineEnd, blankLines) -> {
          List<RequestHead.Header> all = new ArrayList<>(hs);
          all.add(hs.size() / 2, new RequestHead.Header("Host", "example.net"));
          StringBuilder b = new StringBuilder("\r\n".repeat(blankLines)); // RFC 9112 §2.2: leading blank lines are ignored
          b.append(m).append(' ').append(t).append(' ').append(v).append(lineEnd);
          for (RequestHead.Header h : all) {
            b.append(h.name()).append(':').append(space).append(h.value()).append(space).append(lineEnd);
          }
          b.append(lineEnd);
          return new Head(b.toString(), m, t, !v.equals("HTTP/1.0"), List.copyOf(all));
        });
  }

  @Property(tries = 2000)
  void headsFromTheGrammarParseToWhatTheySay(@ForAll("heads") Head head, @ForAll @Size(max = 20) byte[] body)
      throws RequestParser.BadRequest {
    byte[] text = head.text().getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = new byte[text.length + body.length];
    System.arraycopy(text, 0, bytes, 0, text.length);
    System.arraycopy(body, 0, bytes, text.length, body.length);
    RequestParser.Parsed parsed = RequestParser.parse(bytes, 0, bytes.length);
    assertNotNull(parsed, head.text());
    assertEquals(text.length, parsed.consumed(), "the head ends at its blank line, whatever follows");
    assertEquals(head.method(), parsed.head().method());
    assertEquals(head.target(), parsed.head().target());
    assertEquals(head.http11(), parsed.head().http11());
    assertEquals(head.headers(), parsed.head().headers());
    assertEquals(false, parsed.head().hasBody());
  }

  @Property(tries = 1000)
  void aHeadNotYetEndedIsWaitedFor(@ForAll("heads") Head head, @ForAll @IntRange(min = 0, max = 1000) int cut) {
    byte[] text = head.text().getBytes(StandardCharsets.ISO_8859_1);
    // Any prefix that lacks the final line end (the blank line's last byte) is incomplete.
    int to = cut % text.length;
    try {
      assertNull(RequestParser.parse(text, 0, to), "a head cut at " + to + " of " + text.length);
    } catch (RequestParser.BadRequest e) {
      throw new AssertionError("a prefix of a valid head was refused: " + e.getMessage(), e);
    }
  }

  @Property(tries = 1000)
  void aControlCharacterInAHeaderValueIsRefused(
      @ForAll("heads") Head head, @ForAll @IntRange(min = 0, max = 31) int control, @ForAll @IntRange(min = 0, max = 10) int at) {
    if (control == '\t' || control == '\n' || control == '\r') {
      control = 0x7f;
    }
    String value = "a".repeat(at) + (char) control + "b";
    String text = head.text().replaceFirst("Host:[ \t]*example\\.net[ \t]*", "Host: example.net\r\nX-Bad: " + value);
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    RequestParser.BadRequest refused = assertThrows(RequestParser.BadRequest.class, () -> RequestParser.parse(bytes, 0, bytes.length));
    assertEquals(400, refused.status);
  }

  @Property(tries = 500)
  void aDeclaredBodyLengthIsANumberOrTheRequestIsRefused(@ForAll("lengths") String length) {
    byte[] bytes = ("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    boolean number = length.strip().matches("[0-9]{1,18}");
    try {
      RequestParser.Parsed parsed = RequestParser.parse(bytes, 0, bytes.length);
      assertTrue(number, "accepted Content-Length [" + length + "]");
      assertEquals(Long.parseLong(length.strip()) > 0, parsed.head().hasBody());
    } catch (RequestParser.BadRequest e) {
      assertTrue(!number, "refused Content-Length [" + length + "]: " + e.getMessage());
      assertEquals(400, e.status);
    }
  }

  @Provide
  Arbitrary<String> lengths() {
    return Arbitraries.oneOf(
        Arbitraries.longs().between(0, Long.MAX_VALUE).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789+- ,xX\tabcdef").ofMaxLength(22).map(s -> s.replaceAll("^[ \t]+|[ \t]+$", "")),
        Arbitraries.of("", "1e3", "0x10", "+1", "-1", "1,1", "1 1", "١٢", "999999999999999999", "9999999999999999999"));
  }

  @Property(tries = 200)
  void aHeadLargerThanTheLimitIsRefused431(@ForAll @IntRange(min = 1, max = 5000) int extra) {
    String filler = "X-Filler: " + "v".repeat(1000) + "\r\n";
    StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
    while (b.length() <= RequestParser.MAX_HEAD + extra) {
      b.append(filler);
    }
    byte[] bytes = b.toString().getBytes(StandardCharsets.ISO_8859_1);
    RequestParser.BadRequest refused = assertThrows(RequestParser.BadRequest.class, () -> RequestParser.parse(bytes, 0, bytes.length));
    assertEquals(431, refused.status);
  }
}
