package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreSettingsTest {
  private static StoreSettings parse(String store) {
    return StoreSettings.fromConfig(ConfigFactory.parseString("ispcache.store { " + store + " }"));
  }

  private static InvalidSettingException refused(String store) {
    return assertThrows(InvalidSettingException.class, () -> parse(store));
  }

  private static final String OK_SIZES = "chunk-size = 2MiB, read-buffer-size = 64KiB, ";

  @Test
  void validSettingsAreReadWithHoconSizes() {
    StoreSettings s =
        parse(OK_SIZES + "drives = [{ path = \"/mnt/d1\", size = 20GiB }, { path = \"/mnt/d2/\", size = 500MB }]");
    assertEquals(2 * 1024 * 1024, s.chunkSize());
    assertEquals(64 * 1024, s.readBufferSize());
    assertEquals(
        List.of(new DriveSettings(Path.of("/mnt/d1"), 20L << 30), new DriveSettings(Path.of("/mnt/d2"), 500_000_000L)),
        s.drives());
  }

  @Test
  void memoryForChunksIsAutoOrASizeUpToHalfTheHeap() {
    String drives = "drives = [{ path = \"/mnt/d\", size = 1GiB }]";
    long heap = Runtime.getRuntime().maxMemory();
    assertEquals(Math.min(256L << 20, heap / 4), parse(OK_SIZES + "memory = auto, " + drives).memoryBytes());
    assertEquals(Math.min(256L << 20, heap / 4), parse(OK_SIZES + drives).memoryBytes());
    assertEquals(64L << 20, parse(OK_SIZES + "memory = 64MiB, " + drives).memoryBytes());
    assertEquals(0, parse(OK_SIZES + "memory = 0, " + drives).memoryBytes());
    assertEquals("ispcache.store.memory", refused(OK_SIZES + "memory = -1, " + drives).setting());
    InvalidSettingException tooMuch = refused(OK_SIZES + "memory = " + (heap / 2 + 1) + ", " + drives);
    assertEquals("ispcache.store.memory", tooMuch.setting());
    assertEquals(String.valueOf(heap / 2 + 1), tooMuch.value());
    assertEquals("lots", refused(OK_SIZES + "memory = lots, " + drives).value());
  }

  @Test
  void openFilesIsACountFromZeroTo65536() {
    String drives = "drives = [{ path = \"/mnt/d\", size = 1GiB }]";
    assertEquals(1024, parse(OK_SIZES + drives).openFiles());
    assertEquals(0, parse(OK_SIZES + "open-files = 0, " + drives).openFiles());
    assertEquals(65536, parse(OK_SIZES + "open-files = 65536, " + drives).openFiles());
    InvalidSettingException negative = refused(OK_SIZES + "open-files = -1, " + drives);
    assertEquals("ispcache.store.open-files", negative.setting());
    assertEquals("-1", negative.value());
    assertEquals("ispcache.store.open-files", refused(OK_SIZES + "open-files = 65537, " + drives).setting());
    InvalidSettingException words = refused(OK_SIZES + "open-files = many, " + drives);
    assertEquals("ispcache.store.open-files", words.setting());
    assertEquals("many", words.value());
  }

  @Test
  void readBackIsOffUnlessTurnedOnAndRefusesAnythingButOnOrOff() {
    String drives = "drives = [{ path = \"/mnt/d\", size = 1GiB }]";
    assertEquals(false, parse(OK_SIZES + drives).readBack());
    assertEquals(true, parse(OK_SIZES + "read-back = on, " + drives).readBack());
    assertEquals(false, parse(OK_SIZES + "read-back = off, " + drives).readBack());
    InvalidSettingException words = refused(OK_SIZES + "read-back = sometimes, " + drives);
    assertEquals("ispcache.store.read-back", words.setting());
    assertEquals("sometimes", words.value());
  }

  @Test
  void chunkSizeBelow256KiBIsRefused() {
    InvalidSettingException e = refused("chunk-size = 255KiB, read-buffer-size = 64KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]");
    assertEquals("ispcache.store.chunk-size", e.setting());
    assertEquals(String.valueOf(255 * 1024), e.value());
  }

  @Test
  void chunkSizeAbove64MiBIsRefused() {
    assertEquals(
        "ispcache.store.chunk-size",
        refused("chunk-size = 65MiB, read-buffer-size = 64KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]").setting());
  }

  @Test
  void chunkSizeBoundsAreAccepted() {
    assertEquals(256 * 1024, parse("chunk-size = 256KiB, read-buffer-size = 64KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]").chunkSize());
    assertEquals(64 << 20, parse("chunk-size = 64MiB, read-buffer-size = 64KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]").chunkSize());
  }

  @Test
  void unparsableChunkSizeIsRefusedWithItsValue() {
    InvalidSettingException e = refused("chunk-size = lots, read-buffer-size = 64KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]");
    assertEquals("ispcache.store.chunk-size", e.setting());
    assertEquals("lots", e.value());
  }

  @Test
  void readBufferOutsideItsBoundsIsRefused() {
    assertEquals(
        "ispcache.store.read-buffer-size",
        refused("chunk-size = 2MiB, read-buffer-size = 1KiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]").setting());
    assertEquals(
        "ispcache.store.read-buffer-size",
        refused("chunk-size = 2MiB, read-buffer-size = 8MiB, drives = [{ path = \"/mnt/d\", size = 1GiB }]").setting());
  }

  @Test
  void zeroDrivesAreRefused() {
    assertEquals("ispcache.store.drives", refused(OK_SIZES + "drives = []").setting());
  }

  @Test
  void missingDrivesAreRefused() {
    assertEquals("ispcache.store.drives", refused(OK_SIZES.substring(0, OK_SIZES.length() - 2)).setting());
  }

  @Test
  void drivesThatAreNotAListOfObjectsAreRefused() {
    assertEquals("ispcache.store.drives", refused(OK_SIZES + "drives = \"/mnt/d\"").setting());
  }

  @Test
  void elevenDrivesAreRefusedAndTenAccepted() {
    StringBuilder ten = new StringBuilder();
    for (int i = 0; i < 10; i++) {
      ten.append(i == 0 ? "" : ", ").append("{ path = \"/mnt/d").append(i).append("\", size = 1GiB }");
    }
    assertEquals(10, parse(OK_SIZES + "drives = [" + ten + "]").drives().size());
    InvalidSettingException e = refused(OK_SIZES + "drives = [" + ten + ", { path = \"/mnt/d10\", size = 1GiB }]");
    assertEquals("ispcache.store.drives", e.setting());
    assertEquals("11 drives", e.value());
  }

  @Test
  void driveSizeBelowOneChunkIsRefusedNamingTheDrive() {
    InvalidSettingException e =
        refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = 1GiB }, { path = \"/mnt/b\", size = 1MiB }]");
    assertEquals("ispcache.store.drives[1].size", e.setting());
    assertEquals(String.valueOf(1 << 20), e.value());
  }

  @Test
  void negativeDriveSizeIsRefused() {
    assertEquals("ispcache.store.drives[0].size", refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = -5GiB }]").setting());
  }

  @Test
  void unparsableOrMissingDriveSizeIsRefused() {
    InvalidSettingException bad = refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = big }]");
    assertEquals("ispcache.store.drives[0].size", bad.setting());
    assertEquals("big", bad.value());
    InvalidSettingException missing = refused(OK_SIZES + "drives = [{ path = \"/mnt/a\" }]");
    assertEquals("ispcache.store.drives[0].size", missing.setting());
    assertEquals("null", missing.value());
  }

  @Test
  void badDrivePathIsRefusedNamingIndexAndValue() {
    InvalidSettingException e =
        refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = 1GiB }, { path = \"./var\", size = 1GiB }]");
    assertEquals("ispcache.store.drives[1].path", e.setting());
    assertEquals("./var", e.value());
    assertEquals("ispcache.store.drives[0].path", refused(OK_SIZES + "drives = [{ path = \"/etc/cache\", size = 1GiB }]").setting());
    assertEquals("ispcache.store.drives[0].path", refused(OK_SIZES + "drives = [{ size = 1GiB }]").setting());
  }

  @Test
  void sameDriveTwiceIsRefused() {
    InvalidSettingException e =
        refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = 1GiB }, { path = \"/mnt/a/\", size = 1GiB }]");
    assertEquals("ispcache.store.drives[1].path", e.setting());
  }

  @Test
  void nestedDrivesAreRefused() {
    InvalidSettingException e =
        refused(OK_SIZES + "drives = [{ path = \"/mnt/a\", size = 1GiB }, { path = \"/mnt/a/inner\", size = 1GiB }]");
    assertEquals("ispcache.store.drives[1].path", e.setting());
    assertEquals("/mnt/a/inner", e.value());
  }
}
