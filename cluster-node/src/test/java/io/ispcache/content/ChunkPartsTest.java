package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ispcache.content.server.FileResponse;
import io.ispcache.metrics.NodeMetrics;
import io.ispcache.object.ObjectAddress;
import io.ispcache.origin.HostPattern;
import io.ispcache.origin.Origin;
import io.ispcache.store.ObjectMeta;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChunkPartsTest {
  static final int CHUNK = 2 << 20;
  static final long TEBIBYTE = 1L << 40;

  @Test
  void aTebibyteObjectsWholeResponseHasItsLengthAndMakesEachPartOnlyWhenAskedFor() {
    Origin origin = new Origin("xbox", List.of(new HostPattern("*.xboxlive.com")), Optional.empty(), Optional.empty(), true, false);
    ObjectAddress address = new ObjectAddress(origin, "a.xboxlive.com", "/game.xvc", "xbox/game.xvc");
    ObjectMeta meta = new ObjectMeta(address.key(), TEBIBYTE, "\"g\"", null, "application/octet-stream", 0);
    ByteRange whole = new ByteRange(0, TEBIBYTE - 1);
    // No chunk supply at all: making the response and its parts looks nothing up (it is a hit whose
    // chunks the caller found committed); a part only reaches the supply when it is opened.
    ChunkParts parts = ChunkParts.committed(null, address, meta, ChunkMath.slices(whole, CHUNK), new NodeMetrics());
    FileResponse response = new FileResponse(200, List.of(), whole.length(), parts, () -> { });

    assertEquals(TEBIBYTE, response.contentLength());
    assertEquals(524_288, response.parts().count());
    assertEquals(CHUNK, response.parts().part(0).length());
    assertEquals(CHUNK, response.parts().part(524_287).length());
  }

  @Test
  void aRangeInsideAHugeObjectHasPartialFirstAndLastParts() {
    Origin origin = new Origin("xbox", List.of(new HostPattern("*.xboxlive.com")), Optional.empty(), Optional.empty(), true, false);
    ObjectAddress address = new ObjectAddress(origin, "a.xboxlive.com", "/game.xvc", "xbox/game.xvc");
    ObjectMeta meta = new ObjectMeta(address.key(), TEBIBYTE, "\"g\"", null, "application/octet-stream", 0);
    ByteRange range = new ByteRange(TEBIBYTE / 2 + 100, TEBIBYTE - 10);
    ChunkParts parts = ChunkParts.committed(null, address, meta, ChunkMath.slices(range, CHUNK), new NodeMetrics());

    assertEquals(262_144, parts.count());
    assertEquals(CHUNK - 100, parts.part(0).length());
    assertEquals(CHUNK - 9, parts.part(262_143).length());
    long total = 0;
    for (long i = 0; i < parts.count(); i++) {
      total += parts.part(i).length();
    }
    assertEquals(range.length(), total, "the parts add up to the range");
  }
}
