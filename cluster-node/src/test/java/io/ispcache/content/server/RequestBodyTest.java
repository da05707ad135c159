package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
  private static RequestHead head(String name, String value) {
    return new RequestHead("POST", "/", true, List.of(new RequestHead.Header("Host", "a"), new RequestHead.Header(name, value)), true);
  }

  /** Feeds {@code wire} as the connection would with reads of {@code step} bytes, keeping untaken bytes. */
  private static String decode(RequestBody body, String wire, int step) throws RequestParser.BadRequest {
    byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
    int start = 0;
    int end = 0;
    while (!body.complete()) {
      assertTrue(end < b.length, "the body ended before it was complete");
      end = Math.min(b.length, end + step);
      start += body.take(b, start, end);
    }
    assertEquals(b.length - "NEXT".length(), start, "the bytes after the body are left for the next request");
    return body.bytes().utf8String();
  }

  @Test
  void aChunkedBodyDecodesTheSameWhateverTheReadSizes() throws Exception {
    String wire = "3;a=b\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: 1\r\n\r\nNEXT";
    for (int step = 1; step <= wire.length(); step++) {
      assertEquals("abc0123456789abcdef", decode(RequestBody.of(head("Transfer-Encoding", "chunked"), 1024), wire, step), "step " + step);
    }
  }

  @Test
  void aContentLengthBodyEndsAtItsLength() throws Exception {
    for (int step = 1; step < 10; step++) {
      assertEquals("hello", decode(RequestBody.of(head("Content-Length", "5"), 5), "helloNEXT", step));
    }
  }

  @Test
  void limitsAndCodingsAreRefusedWithTheirStatus() throws Exception {
    assertEquals(413, assertThrows(RequestParser.BadRequest.class, () -> RequestBody.of(head("Content-Length", "6"), 5)).status);
    assertEquals(501, assertThrows(RequestParser.BadRequest.class, () -> RequestBody.of(head("Transfer-Encoding", "gzip"), 5)).status);
    RequestBody chunked = RequestBody.of(head("Transfer-Encoding", "chunked"), 5);
    byte[] wire = "6\r\nabcdef\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(413, assertThrows(RequestParser.BadRequest.class, () -> chunked.take(wire, 0, wire.length)).status);
    RequestBody huge = RequestBody.of(head("Transfer-Encoding", "chunked"), 5);
    byte[] digits = "1000000000000000\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(400, assertThrows(RequestParser.BadRequest.class, () -> huge.take(digits, 0, digits.length)).status);
  }

  @Test
  void anEndlessChunkLineIsRefused() throws Exception {
    RequestBody body = RequestBody.of(head("Transfer-Encoding", "chunked"), 5);
    byte[] wire = ("1;" + "x".repeat(RequestBody.MAX_LINE)).getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(400, assertThrows(RequestParser.BadRequest.class, () -> body.take(wire, 0, wire.length)).status);
    assertFalse(body.complete());
  }
}
