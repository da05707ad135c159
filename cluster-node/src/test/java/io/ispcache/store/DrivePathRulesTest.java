package io.ispcache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.settings.InvalidSettingException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DrivePathRulesTest {
  private static final String SETTING = "ispcache.store.drives[1].path";

  private static InvalidSettingException refused(String raw) {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> DrivePathRules.check(SETTING, raw));
    assertTrue(e.getMessage().contains(SETTING), e.getMessage());
    return e;
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void blankPathIsRefused(String raw) {
    assertTrue(refused(raw).getMessage().contains("blank"));
  }

  @Test
  void missingPathIsRefused() {
    assertTrue(refused(null).getMessage().contains("blank"));
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "./var", "var/cache", "..", "cache"})
  void relativePathIsRefused(String raw) {
    InvalidSettingException e = refused(raw);
    assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    assertTrue(e.getMessage().contains(raw), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "//", "/./", "/tmp/.."})
  void rootIsRefused(String raw) {
    assertTrue(refused(raw).getMessage().contains("root"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/bin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/lib32", "/libx32", "/proc", "/root", "/run", "/sbin", "/sys",
        "/usr", "/usr/local/cache", "/etc/ispcache", "/dev/shm/cache", "/proc/1", "/root/cache", "/run/cache",
        "/var/../etc/cache", "/lib/modules/x", "/boot/cache"
      })
  void systemDirectoryAndAnythingInsideIsRefused(String raw) {
    assertTrue(refused(raw).getMessage().contains("system directory"), raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/var", "/home", "/opt", "/srv", "/mnt", "/media", "/tmp", "/tmp/", "/var/./"})
  void sharedTopLevelDirectoryItselfIsRefused(String raw) {
    assertTrue(refused(raw).getMessage().contains("dedicated subdirectory"), raw);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/var/cache/ispcache", "/mnt/disk1", "/srv/cache", "/tmp/ispcache-test", "/home/cache/d1", "/cache1"})
  void dedicatedDirectoryIsAccepted(String raw) {
    assertEquals(Path.of(raw), DrivePathRules.check(SETTING, raw));
  }

  @Test
  void acceptedPathIsNormalised() {
    assertEquals(Path.of("/mnt/disk1"), DrivePathRules.check(SETTING, " /mnt/x/../disk1/ "));
  }

  @Test
  void samePathTwiceIsRefusedNamingTheSecond() {
    InvalidSettingException e =
        assertThrows(
            InvalidSettingException.class,
            () -> DrivePathRules.checkDisjoint(List.of(Path.of("/mnt/a"), Path.of("/mnt/b"), Path.of("/mnt/a"))));
    assertTrue(e.getMessage().contains("ispcache.store.drives[2].path"), e.getMessage());
    assertTrue(e.getMessage().contains("same directory as ispcache.store.drives[0].path"), e.getMessage());
  }

  @Test
  void driveInsideAnotherIsRefusedEitherOrder() {
    InvalidSettingException inner =
        assertThrows(
            InvalidSettingException.class,
            () -> DrivePathRules.checkDisjoint(List.of(Path.of("/mnt/a"), Path.of("/mnt/a/b"))));
    assertTrue(inner.getMessage().contains("ispcache.store.drives[1].path"), inner.getMessage());
    InvalidSettingException outer =
        assertThrows(
            InvalidSettingException.class,
            () -> DrivePathRules.checkDisjoint(List.of(Path.of("/mnt/a/b"), Path.of("/mnt/a"))));
    assertTrue(outer.getMessage().contains("ispcache.store.drives[0].path"), outer.getMessage());
    assertTrue(outer.getMessage().contains("inside ispcache.store.drives[1].path"), outer.getMessage());
  }

  @Test
  void siblingsWithACommonNamePrefixAreAccepted() {
    DrivePathRules.checkDisjoint(List.of(Path.of("/mnt/disk1"), Path.of("/mnt/disk10"), Path.of("/mnt/disk2")));
  }
}
