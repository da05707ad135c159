package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EntityTagTest {

  @Test
  void listsKeepTheirMembersInOrderWithCommasInsideTags() {
    assertEquals(
        List.of(new EntityTag(false, "\"a\""), new EntityTag(true, "\"b,c\""), new EntityTag(false, "\"\"")),
        EntityTag.parseList(" \"a\" ,W/\"b,c\",, \"\" ,"));
    assertEquals(List.of(), EntityTag.parseList(" , "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "\"a", "\"a\" \"b\"", "w/\"a\"", "W/ \"a\"", "\"a\"b", "\"a\"\"b\"", "\"a b\"", "*"})
  void malformedListsAreNoLists(String value) {
    assertNull(EntityTag.parseList(value), value);
  }

  @Test
  void aSingleTagIsExactlyOneTag() {
    assertEquals(new EntityTag(true, "\"x\""), EntityTag.parse(" W/\"x\" "));
    assertNull(EntityTag.parse("\"x\","));
    assertNull(EntityTag.parse("\"x\", \"y\""));
    assertNull(EntityTag.parse("x"));
  }

  @Test
  void strongComparisonNeedsBothStrongWeakComparisonOnlyTheOpaqueTag() {
    EntityTag strong = new EntityTag(false, "\"1\"");
    EntityTag weak = new EntityTag(true, "\"1\"");
    assertTrue(strong.strongMatch(strong));
    assertFalse(strong.strongMatch(weak));
    assertFalse(weak.strongMatch(weak));
    assertTrue(weak.weakMatch(strong));
    assertTrue(weak.weakMatch(weak));
    assertFalse(strong.weakMatch(new EntityTag(false, "\"2\"")));
  }

  @Property
  void everyListOfTagsRoundTrips(@ForAll("tagLists") List<EntityTag> tags, @ForAll("separators") String sep) {
    String value = tags.stream().map(EntityTag::toString).collect(Collectors.joining(sep));
    assertEquals(tags, EntityTag.parseList(value), value);
  }

  @Property
  void noStringMakesTheListParserThrow(@ForAll String value) {
    List<EntityTag> tags = EntityTag.parseList(value);
    if (tags != null) {
      for (EntityTag t : tags) {
        assertTrue(value.contains(t.toString()), value);
      }
    }
  }

  @Provide
  Arbitrary<List<EntityTag>> tagLists() {
    Arbitrary<String> opaque =
        Arbitraries.strings()
            .withChars('!')
            .withCharRange('#', '~')
            .withCharRange('\u0080', '\u00ff')
            .ofMaxLength(20)
            .map(s -> "\"" + s + "\"");
    return Combinators.combine(Arbitraries.of(true, false), opaque).as(EntityTag::new).list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of(",", ", ", " ,", " , ", ",,", "\t,\t", ", ,");
  }
}
