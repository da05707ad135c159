package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import inet.ipaddr.IPAddress;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Addresses and CIDR blocks are read in one spelling only: canonical dotted quad or RFC 4291 IPv6 without a zone. */
class IpTextTest {

  @ParameterizedTest(name = "{0} is the block {1}")
  @CsvSource(
      delimiter = ';',
      value = {
        "5.0.0.0/16; 5.0.0.0/16",
        "0.0.0.0/0; 0.0.0.0/0",
        "255.255.255.255/32; 255.255.255.255/32",
        "198.51.100.0/24; 198.51.100.0/24",
        "2001:db8::/32; 2001:db8::/32",
        "2001:DB8::/32; 2001:db8::/32",
        "2001:0db8:0000:0000:0000:0000:0000:0000/32; 2001:db8::/32",
        "::/0; ::/0",
        "::ffff:0.0.0.0/96; ::ffff:0:0/96",
        "2a01:4f8::/48; 2a01:4f8::/48",
      })
  void acceptedBlocks(String text, String canonical) {
    assertEquals(canonical, IpText.block(text).toCanonicalString());
  }

  @ParameterizedTest(name = "{0} is refused as a block")
  @ValueSource(
      strings = {
        "5.0/16", // inet_aton: two parts
        "5/8", // one part
        "0x05000000/24", // hexadecimal
        "0x5.0.0.0/24",
        "5.0.0.0/255.255.255.0", // mask instead of a length
        "5.0.0.*/24", // wildcard
        "5.0.0.0-255/24", // range
        "05.0.0.0/24", // leading zero (octal to inet_aton)
        "5.0.0.00/24",
        "256.0.0.0/8",
        "5.0.0.0/33",
        "5.0.0.0/024", // leading zero in the length
        "5.0.0.0/+24",
        "5.0.0.0/",
        "5.0.0.0",
        "/24",
        " 5.0.0.0/24",
        "5.0.0.0 /24",
        "fe80::%eth0/64", // zone
        "fe80::/64%eth0",
        "2001:db8::/129",
        "2001:db8:::/32",
        "2001:db8::1::/64",
        "2001:00db8::/32", // five hex digits
        "1:2:3:4:5:6:7:8:9/128",
        "1:2:3:4:5:6:7/112", // seven groups without ::
        "::ffff:05.0.0.0/120",
        "::ffff:1.2.3/120",
        "2001:db8::*/64",
        "*/8",
        "5.0.0.1/24", // host bits set
      })
  void refusedBlocks(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpText.block(text));
    assertTrue(e.getMessage().startsWith("'" + text + "'"), e.getMessage());
  }

  @ParameterizedTest(name = "{0} is refused as an address")
  @ValueSource(
      strings = {"134744065", "0x08080801", "8.8.2049", "8.8.8", "01.02.03.04", "8.8.8.08", "fe80::1%eth0", "fe80::1%1",
        "8.8.8.8/32", "2001:db8::1/128", "", "localhost", "[2001:db8::1]", "8.8.8.8.", ".8.8.8.8", "::ffff:8.8.8.010"})
  void refusedAddresses(String text) {
    assertThrows(IllegalArgumentException.class, () -> IpText.address(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"8.8.8.8", "0.0.0.0", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::1", "::", "::ffff:8.8.8.8", "1:2:3:4:5:6:7::"})
  void acceptedAddresses(String text) {
    IPAddress a = IpText.address(text);
    assertEquals(a, IpText.address(a.toCanonicalString()));
  }

  @Property
  void everyIpv4BlockRoundTripsInCanonicalText(@ForAll int address, @ForAll @IntRange(max = 32) int length) {
    IPAddress block = new IPv4Address(address).toPrefixBlock(length);
    String text = block.toCanonicalString();
    assertEquals(text, IpText.block(text).toCanonicalString());
    assertEquals(block, IpText.block(text));
  }

  @Property
  void everyIpv6BlockRoundTripsInRfc5952Text(@ForAll("ipv6") byte[] bytes, @ForAll @IntRange(max = 128) int length) {
    IPAddress block = new IPv6Address(bytes).toPrefixBlock(length);
    String text = block.toCanonicalString();
    assertEquals(text, IpText.block(text).toCanonicalString());
    assertEquals(block, IpText.block(text));
  }

  @Property
  void anIpv4AddressWrittenAnyOtherWayIsRefused(@ForAll int address, @ForAll("ipv4Respellings") java.util.function.Function<IPv4Address, String> respell) {
    IPv4Address a = new IPv4Address(address);
    String text = respell.apply(a);
    if (!text.equals(a.toCanonicalString())) {
      assertThrows(IllegalArgumentException.class, () -> IpText.address(text), text);
    }
  }

  /**
   * The quick reading of dotted quads (steering's client addresses) accepts exactly the text the
   * grammar accepts, as the value the library reads: texts of digits and dots around the edges
   * (leading zeros, 256, empty parts, five parts, 16 characters).
   */
  @Property(tries = 3000)
  void dottedQuadsReadQuicklyAsTheGrammarAndTheLibraryReadThem(@ForAll("digitsAndDots") String text) {
    long quick = IpText.dottedQuad(text);
    assertEquals(IpText.isIpv4(text), quick >= 0, text);
    if (quick >= 0) {
      assertEquals(new inet.ipaddr.IPAddressString(text).getAddress(), new IPv4Address((int) quick), text);
      assertEquals(text, IpText.address(text).toCanonicalString());
    }
  }

  /** Stored IPv4 blocks (host bits or not, any prefix spelling) read quickly as the library reads them. */
  @Property(tries = 3000)
  void storedIpv4BlocksReadQuicklyAsTheLibraryReadsThem(@ForAll int address, @ForAll("prefixes") String prefix) {
    String text = new IPv4Address(address).toCanonicalString() + "/" + prefix;
    IPAddress quick = CidrBlocks.storedIpv4Block(text);
    IPAddress library = new inet.ipaddr.IPAddressString(text).getAddress();
    if (quick != null) {
      assertEquals(library.toPrefixBlock(), quick, text);
      assertEquals(library.toPrefixBlock().toCanonicalString(), quick.toCanonicalString(), text);
      assertEquals(library.toPrefixBlock().getNetworkPrefixLength(), quick.getNetworkPrefixLength(), text);
    }
    assertEquals(prefix.matches("0|[1-9][0-9]?") && Integer.parseInt(prefix) <= 32, quick != null, text);
    if (library != null) {
      assertEquals(library.toPrefixBlock().toCanonicalString(), CidrBlocks.parseStored(text).get(0).toCanonicalString(), text);
    }
  }

  @Provide
  Arbitrary<String> prefixes() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 32).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789").ofMinLength(1).ofMaxLength(3));
  }

  @Provide
  Arbitrary<String> digitsAndDots() {
    Arbitrary<String> part = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 300).map(String::valueOf),
        Arbitraries.strings().withChars("0123456789").ofMinLength(0).ofMaxLength(4),
        Arbitraries.strings().withChars("0123456789.x ").ofMinLength(0).ofMaxLength(3));
    return part.list().ofMinSize(1).ofMaxSize(6).map(parts -> String.join(".", parts));
  }

  /** RFC 4291 §2.2 spellings of one IPv6 address all read as it; the answer is RFC 5952 text. */
  @Property
  void everyRfc4291SpellingOfAnIpv6AddressReadsAsIt(@ForAll("ipv6") byte[] bytes) {
    IPv6Address a = new IPv6Address(bytes);
    for (String text : List.of(a.toCanonicalString(), a.toFullString(), a.toFullString().toUpperCase(), a.toNormalizedString(),
        a.toMixedString())) {
      assertEquals(a, IpText.address(text), text);
      assertEquals(a.toCanonicalString(), IpText.address(text).toCanonicalString());
    }
  }

  /** Anything outside RFC 4291 text is refused: zones, brackets, five-digit groups, a second "::", a mask. */
  @Property
  void anIpv6AddressWrittenOutsideRfc4291IsRefused(@ForAll("ipv6") byte[] bytes, @ForAll @IntRange(max = 5) int how) {
    IPv6Address a = new IPv6Address(bytes);
    String c = a.toCanonicalString();
    String text = switch (how) {
      case 0 -> c + "%eth0";
      case 1 -> "[" + c + "]";
      case 2 -> "0" + a.toFullString();
      case 3 -> a.toFullString().replaceFirst(":", "::");
      case 4 -> c + "/ffff:ffff::";
      default -> a.toFullString().substring(5);
    };
    assertThrows(IllegalArgumentException.class, () -> IpText.address(text), text);
  }

  /** Whatever text over the characters of addresses is accepted as IPv4 is its own canonical spelling. */
  @Property(tries = 3000)
  void acceptedIpv4TextIsCanonical(@ForAll("addressish") String text) {
    IPAddress block;
    try {
      block = IpText.block(text);
    } catch (IllegalArgumentException refused) {
      return;
    }
    if (block.isIPv4()) {
      assertEquals(block.toCanonicalString(), text);
    } else {
      assertEquals(block, IpText.block(block.toCanonicalString()));
      assertTrue(!text.contains("%") && !text.contains("*"), text);
    }
  }

  @Provide
  Arbitrary<byte[]> ipv6() {
    return Arbitraries.bytes().array(byte[].class).ofSize(16);
  }

  @Provide
  Arbitrary<java.util.function.Function<IPv4Address, String>> ipv4Respellings() {
    return Arbitraries.of(
        a -> a.toInetAtonString(IPv4Address.inet_aton_radix.HEX),
        a -> a.toInetAtonString(IPv4Address.inet_aton_radix.OCTAL),
        a -> Long.toString(a.longValue()),
        a -> a.toInetAtonString(IPv4Address.inet_aton_radix.DECIMAL, 2),
        a -> a.toInetAtonString(IPv4Address.inet_aton_radix.DECIMAL, 1),
        a -> "0" + a.toCanonicalString(),
        a -> a.toCanonicalString().replace(".", ".0"),
        a -> a.toCanonicalString() + "%eth0",
        a -> a.toCanonicalString() + "/32",
        a -> a.toIPv6().toCanonicalString() + "%1");
  }

  @Provide
  Arbitrary<String> addressish() {
    return Arbitraries.strings().withChars("0123456789abcdefx.:/%*").ofMinLength(3).ofMaxLength(18)
        .map(s -> s.contains("/") ? s : s + "/" + (s.length() % 33));
  }

  @Property
  void prefixLengthsBeyondTheFamilyAreRefused(@ForAll @IntRange(min = 33, max = 999) int v4, @ForAll @IntRange(min = 129, max = 999) int v6) {
    assertThrows(IllegalArgumentException.class, () -> IpText.block("10.0.0.0/" + v4));
    assertThrows(IllegalArgumentException.class, () -> IpText.block("2001:db8::/" + v6));
  }
}
