package io.ispcache.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseHeadersTest {

  static ResponseHeaders of(String... lines) {
    List<Map.Entry<String, String>> block = new ArrayList<>();
    for (String l : lines) {
      int colon = l.indexOf(':');
      block.add(Map.entry(l.substring(0, colon), l.substring(colon + 1).trim()));
    }
    return ResponseHeaders.fromOrigin(block);
  }

  static List<String> names(ResponseHeaders h) {
    return h.fields().stream().map(ResponseHeaders.Field::name).toList();
  }

  @Test
  void endToEndFieldsAreKeptAndHopByHopPersonalAndPerMessageOnesAreNot() {
    ResponseHeaders h =
        of(
            "Connection: close, X-Hop",
            "X-Hop: 1",
            "Keep-Alive: timeout=5",
            "Transfer-Encoding: chunked",
            "Proxy-Authenticate: Basic",
            "Content-Length: 10",
            "Content-Range: bytes 0-9/10",
            "Set-Cookie: a=b",
            "Date: Tue, 03 Nov 2026 10:00:00 GMT",
            "Age: 7",
            "Content-Encoding: gzip",
            "Cache-Control: max-age=60",
            "Content-Disposition: attachment",
            "X-Custom: kept");

    assertEquals(List.of("Content-Encoding", "Cache-Control", "Content-Disposition", "X-Custom"), names(h));
    assertEquals(7, h.age());
    assertEquals(HttpDate.millis("Tue, 03 Nov 2026 10:00:00 GMT"), h.date());
  }

  @Test
  void cdnCacheControlTakesPrecedenceOverCacheControlAndExpires() {
    ResponseHeaders h =
        of("Cache-Control: no-store", "Expires: Thu, 01 Jan 2015 00:00:00 GMT", "CDN-Cache-Control: max-age=600");

    assertTrue(h.storable());
    assertEquals(600, h.control().seconds("max-age"));
    assertFalse(h.hasExpires());
  }

  @Test
  void noStorePrivateAndVaryOnOtherFieldsAreNotStorable() {
    assertFalse(of("Cache-Control: no-store").storable());
    assertFalse(of("Cache-Control: public", "Cache-Control: private").storable());
    assertFalse(of("Vary: *").storable());
    assertFalse(of("Vary: Accept-Encoding, User-Agent").storable());
    assertTrue(of("Vary: accept-encoding").storable());
    assertTrue(of("Cache-Control: no-cache").storable(), "no-cache is stored and validated before each use");
  }

  @Test
  void anOversizedHeaderBlockIsNotStorable() {
    String[] many = new String[ResponseHeaders.MAX_FIELDS + 1];
    for (int i = 0; i < many.length; i++) {
      many[i] = "X-F" + i + ": v";
    }
    assertFalse(of(many).storable());
  }

  @Test
  void aConfirmationReplacesTheFieldsItSendsAndKeepsTheRest() {
    ResponseHeaders stored = of("Cache-Control: max-age=0", "X-Release: 1", "Content-Encoding: gzip");
    ResponseHeaders confirmation = of("Cache-Control: max-age=60", "X-Release: 2", "Date: Tue, 03 Nov 2026 11:00:00 GMT");

    ResponseHeaders updated = stored.updatedBy(confirmation);

    assertEquals(List.of("max-age=60"), updated.all("Cache-Control"));
    assertEquals(List.of("2"), updated.all("X-Release"));
    assertEquals(List.of("gzip"), updated.all("Content-Encoding"));
    assertEquals(HttpDate.millis("Tue, 03 Nov 2026 11:00:00 GMT"), updated.date());
  }

  @Test
  void theEncodedFormRoundTrips() {
    ResponseHeaders h = of("Date: Tue, 03 Nov 2026 10:00:00 GMT", "Age: 3", "Cache-Control: max-age=60", "X-Colon: a: b", "X-Utf: caf\u00e9");

    ResponseHeaders back = ResponseHeaders.decode(h.encode());

    assertEquals(h, back);
    assertEquals(h.fields(), back.fields());
    assertEquals(3, back.age());
    assertEquals(h.date(), back.date());
    assertEquals(ResponseHeaders.EMPTY, ResponseHeaders.decode(null));
  }

  @Test
  void confirmationsCannotGrowTheStoredFieldsPastTheLimit() {
    ResponseHeaders stored = of("Cache-Control: max-age=0");
    String[] many = new String[ResponseHeaders.MAX_FIELDS];
    for (int i = 0; i < many.length; i++) {
      many[i] = "X-New" + i + ": v";
    }

    assertFalse(stored.updatedBy(of(many)).storable());
  }

  @Test
  void digestsOfOneMessagesContentAreNotStored() {
    assertEquals(List.of("X-Kept"), names(of("Content-MD5: abc", "Content-Digest: sha-256=:x:", "Digest: SHA-256=x", "X-Kept: 1")));
  }
}
