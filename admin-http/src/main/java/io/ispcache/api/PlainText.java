package io.ispcache.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Text the API accepts in request bodies: no C0 or C1 control characters (U+0000-U+001F,
 * U+007F-U+009F) and no bidirectional embeddings, overrides or isolates (U+202A-U+202E,
 * U+2066-U+2069), which make a name display as something it is not ("Trojan Source",
 * CVE-2021-42574) in the portal, logs and the history. Refused rather than stripped, so that what
 * is stored is exactly what the caller sent.
 */
final class PlainText {
  private PlainText() {}

  /** The first forbidden code point of {@code s}, or -1. */
  static int forbidden(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
        return c;
      }
    }
    return -1;
  }

  /** Every JSON string a body is read into passes {@link #forbidden}. */
  static SimpleModule module() {
    return new SimpleModule("plain-text").addDeserializer(String.class, new Deserializer());
  }

  /** A string holding a forbidden character; Jackson adds the field's path as it propagates. */
  static final class ForbiddenCharacter extends MismatchedInputException {
    ForbiddenCharacter(JsonParser p, int codePoint) {
      super(p, String.format("holds the control or bidirectional formatting character U+%04X", codePoint), String.class);
    }
  }

  private static final class Deserializer extends StdScalarDeserializer<String> {
    Deserializer() {
      super(String.class);
    }

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String s = StringDeserializer.instance.deserialize(p, ctxt);
      int bad = s == null ? -1 : forbidden(s);
      if (bad >= 0) {
        throw new ForbiddenCharacter(p, bad);
      }
      return s;
    }
  }
}
