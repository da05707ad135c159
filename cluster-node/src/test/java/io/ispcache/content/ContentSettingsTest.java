package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.settings.InvalidSettingException;
import org.junit.jupiter.api.Test;

class ContentSettingsTest {
  static ContentSettings with(String content) {
    return ContentSettings.fromConfig(
        ConfigFactory.parseString("ispcache.content { " + content + " }").withFallback(ConfigFactory.defaultReference()).resolve());
  }

  @Test
  void theRequestBodyLimitIsOneMebibyteByDefaultAndMayBeSet() {
    assertEquals(1 << 20, with("").maxRequestBody());
    assertEquals(64L << 20, with("max-request-body = 64MiB").maxRequestBody());
    assertEquals(0, with("max-request-body = 0").maxRequestBody(), "0: every body is refused with 413");
  }

  @Test
  void aRequestBodyLimitThatIsNotASizeOrAboveAGibibyteIsRefused() {
    InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> with("max-request-body = lots"));
    assertEquals("ispcache.content.max-request-body", e.setting());
    assertTrue(e.getMessage().contains("must be a size"), e.getMessage());
    assertTrue(
        assertThrows(InvalidSettingException.class, () -> with("max-request-body = 2GiB")).getMessage().contains("0 to 1GiB"));
  }
}
