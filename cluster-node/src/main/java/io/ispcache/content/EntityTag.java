package io.ispcache.content;

import java.util.ArrayList;
import java.util.List;

/**
 * An entity-tag (RFC 9110 §8.8.3): {@code opaque} is the quoted tag as sent, quotes included, and
 * {@code weak} says whether it carried the {@code W/} prefix.
 */
public record EntityTag(boolean weak, String opaque) {

  /** §8.8.3.2: both strong and their opaque tags identical. */
  public boolean strongMatch(EntityTag other) {
    return !weak && !other.weak && opaque.equals(other.opaque);
  }

  /** §8.8.3.2: opaque tags identical, either or both may be weak. */
  public boolean weakMatch(EntityTag other) {
    return opaque.equals(other.opaque);
  }

  /** The one entity-tag {@code value} is (surrounding whitespace aside), or null. */
  public static EntityTag parse(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    List<EntityTag> tags = parseList(v);
    if (tags == null || tags.size() != 1) {
      return null;
    }
    EntityTag tag = tags.get(0);
    return v.length() == tag.opaque.length() + (tag.weak ? 2 : 0) ? tag : null;
  }

  /**
   * The members of {@code #entity-tag} in order (§5.6.1: empty members and whitespace around
   * commas are skipped), or null when the value is not such a list. A tag may itself hold commas.
   */
  public static List<EntityTag> parseList(String value) {
    List<EntityTag> tags = new ArrayList<>(2);
    int n = value.length();
    int i = 0;
    while (true) {
      while (i < n && (value.charAt(i) == ',' || value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      if (i == n) {
        return tags;
      }
      boolean weak = value.startsWith("W/", i);
      int open = weak ? i + 2 : i;
      if (open >= n || value.charAt(open) != '"') {
        return null;
      }
      int close = open + 1;
      while (close < n && etagc(value.charAt(close))) {
        close++;
      }
      if (close == n || value.charAt(close) != '"') {
        return null;
      }
      tags.add(new EntityTag(weak, value.substring(open, close + 1)));
      i = close + 1;
      while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t')) {
        i++;
      }
      if (i < n && value.charAt(i) != ',') {
        return null;
      }
    }
  }

  /** {@code etagc = %x21 / %x23-7E / obs-text}. */
  private static boolean etagc(char c) {
    return c == 0x21 || c >= 0x23 && c <= 0x7e || c >= 0x80 && c <= 0xff;
  }

  @Override
  public String toString() {
    return weak ? "W/" + opaque : opaque;
  }
}
