package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ContentRangeHeaderTest {
  @Test
  void satisfiedRangeIsRenderedAsFirstLastAndLength() {
    assertEquals("bytes 0-9/100", ContentRangeHeader.of(new ByteRange(0, 9), 100));
    assertEquals("bytes 99-99/100", ContentRangeHeader.of(new ByteRange(99, 99), 100));
    long gib = 1L << 30;
    assertEquals("bytes 1073741823-1073741823/1073741824", ContentRangeHeader.of(new ByteRange(gib - 1, gib - 1), gib));
  }

  @Test
  void unsatisfiedRangeNamesOnlyTheLength() {
    assertEquals("bytes */100", ContentRangeHeader.unsatisfied(100));
    assertEquals("bytes */0", ContentRangeHeader.unsatisfied(0));
  }
}
