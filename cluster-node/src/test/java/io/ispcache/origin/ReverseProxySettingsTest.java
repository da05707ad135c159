package io.ispcache.origin;

import static io.ispcache.origin.OriginSettingsTest.refused;
import static io.ispcache.origin.OriginSettingsTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.settings.InvalidSettingException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code hosts = ["*"]} (reverse-proxy mode) and the per-origin {@code methods} setting. */
class ReverseProxySettingsTest {
  private static final String PROXY = "{name = web, hosts = [\"*\"], upstream-address = \"127.0.0.1:8081\"}";

  @Test
  void anyHostWithAnUpstreamAddressIsAReverseProxyForwardingEveryMethod() {
    Origin web = OriginSettings.fromConfig(with("[" + PROXY + "]")).originFor("www.example.org").orElseThrow();

    assertTrue(web.reverseProxy());
    assertEquals(List.of("*"), web.methods());
    for (String m : List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "PROPFIND")) {
      assertTrue(web.allows(m), m);
    }
    assertFalse(web.sharesKeysOf("www.example.org"), "a host admitted by * is keyed under its own name");
    assertTrue(web.queryInCacheKey(), "a web origin answers according to the query");
    assertFalse(
        OriginSettings.fromConfig(with("[{name = web, hosts = [\"*\"], upstream-address = \"127.0.0.1:8081\", query-in-cache-key = false}]"))
            .origins().get(0).queryInCacheKey(),
        "unless set otherwise");
  }

  @Test
  void anyHostWithoutAnUpstreamAddressIsRefusedAtStart() {
    InvalidSettingException e = refused("[{name = open, hosts = [\"*\"]}]");

    assertEquals("ispcache.origins[0].hosts", e.setting());
    assertTrue(e.getMessage().contains("needs upstream-address"), e.getMessage());
    assertTrue(e.getMessage().contains("open proxy"), e.getMessage());
  }

  @Test
  void anyHostMixedWithNamedHostsIsRefused() {
    InvalidSettingException e =
        refused("[{name = web, hosts = [\"*\", \"www.example.org\"], upstream-address = \"127.0.0.1:8081\"}]");

    assertEquals("ispcache.origins[0].hosts", e.setting());
    assertTrue(e.getMessage().contains("must be the only entry"), e.getMessage());
  }

  @Test
  void onlyOneOriginMayListAnyHost() {
    InvalidSettingException e =
        refused("[" + PROXY + ", {name = web2, hosts = [\"*\"], upstream-address = \"127.0.0.1:8082\"}]");

    assertEquals("ispcache.origins[1].hosts", e.setting());
    assertTrue(e.getMessage().contains("web already does"), e.getMessage());
  }

  @Test
  void namedOriginsAnswerForTheirHostsWhereverTheReverseProxyStands() {
    OriginSettings s =
        OriginSettings.fromConfig(with("[" + PROXY + ", {name = wu, hosts = [\"*.windowsupdate.com\"]}]"));

    assertEquals("wu", s.originFor("download.windowsupdate.com").orElseThrow().name());
    assertEquals("web", s.originFor("www.example.org").orElseThrow().name());
  }

  @Test
  void theAllowlistServesGetAndHeadOnlyByDefault() {
    Origin wu = OriginSettings.fromConfig(with("[{name = wu, hosts = [\"*.windowsupdate.com\"]}]")).origins().get(0);

    assertFalse(wu.reverseProxy());
    assertEquals(List.of("GET", "HEAD"), wu.methods());
    assertTrue(wu.allows("GET"));
    assertFalse(wu.allows("POST"));
  }

  @Test
  void methodsMayBeListedPerOrigin() {
    Origin o =
        OriginSettings.fromConfig(with("[{name = wu, hosts = [\"a.example.net\"], methods = [GET, HEAD, POST]}]")).origins().get(0);

    assertTrue(o.allows("POST"));
    assertFalse(o.allows("PUT"));
    assertFalse(o.allows("post"), "method names are case-sensitive (RFC 9110 §9.1)");
  }

  @Test
  void unknownMethodNamesAreRefused() {
    InvalidSettingException e = refused("[{name = a, hosts = [\"a.example.net\"], methods = [GET, HEAD, POTS]}]");

    assertEquals("ispcache.origins[0].methods", e.setting());
    assertTrue(e.getMessage().contains("lists POTS"), e.getMessage());
    assertTrue(refused("[{name = a, hosts = [\"a.example.net\"], methods = [get, head]}]").getMessage().contains("upper case"));
  }

  @Test
  void connectIsNeverServed() {
    assertTrue(
        refused("[{name = a, hosts = [\"a.example.net\"], methods = [GET, HEAD, CONNECT]}]").getMessage().contains("tunnels"));
  }

  @Test
  void methodsWithoutGetAndHeadOrWithStarAmongNamesAreRefused() {
    assertTrue(refused("[{name = a, hosts = [\"a.example.net\"], methods = [POST]}]").getMessage().contains("must include GET and HEAD"));
    assertTrue(
        refused("[{name = a, hosts = [\"a.example.net\"], methods = [\"*\", POST]}]").getMessage().contains("must be the only entry"));
  }
}
