package io.ispcache.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * JSON in and out of the API: unknown fields, wrong types, fractions for whole numbers, numbers
 * beyond 64 bits and {@link PlainText forbidden characters} are refused with the field named.
 */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          // 1.5 is not silently read as 1: whole-number fields (maxEgressMbps) refuse fractions.
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .registerModule(PlainText.module())
          .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

  private Json() {}

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The steering answer, the API's most frequent response, written field by field with the
   * mapper's generator: the same bytes as {@link #bytes} writes, without resolving serializers for
   * every answer.
   */
  static byte[] steerAnswer(ApiTypes.SteerAnswer a) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128 + 160 * a.nodes().size());
    try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("clientIp", a.clientIp());
      g.writeBooleanField("useCdn", a.useCdn());
      g.writeStringField("reason", a.reason());
      g.writeStringField("block", a.block());
      g.writeArrayFieldStart("nodes");
      for (ApiTypes.SteeredNode n : a.nodes()) {
        g.writeStartObject();
        g.writeStringField("id", n.id());
        g.writeStringField("name", n.name());
        g.writeStringField("serverIp", n.serverIp());
        g.writeStringField("url", n.url());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String currentName(JsonParser p) {
    try {
      return p == null ? null : p.currentName();
    } catch (java.io.IOException e) {
      return null;
    }
  }

  static <T> T read(String body, Class<T> type) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest(null, "the request needs a JSON body");
    }
    try {
      T value = MAPPER.readValue(body, type);
      if (value == null) {
        throw ApiException.badRequest(null, "the request body must be a JSON object");
      }
      return value;
    } catch (UnrecognizedPropertyException e) {
      throw ApiException.badRequest(e.getPropertyName(), "unknown field '" + e.getPropertyName() + "'");
    } catch (MismatchedInputException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
      if (field == null) {
        throw ApiException.badRequest(null, "the body is not the expected JSON object");
      }
      if (e instanceof PlainText.ForbiddenCharacter) {
        throw ApiException.badRequest(field, "field '" + field + "' " + e.getOriginalMessage());
      }
      Class<?> target = e.getTargetType();
      if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
        throw ApiException.badRequest(field, "field '" + field + "' must be a whole number");
      }
      throw ApiException.badRequest(field, "field '" + field + "' has the wrong type");
    } catch (JsonMappingException e) {
      String field = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
      if (field != null && e.getCause() instanceof InputCoercionException) {
        throw ApiException.badRequest(field, "field '" + field + "' is too large a number");
      }
      throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (InputCoercionException e) {
      // A number beyond 64 bits: the parser, not the mapper, refuses it, so the field is the parser's.
      String field = currentName(e.getProcessor());
      throw ApiException.badRequest(field, field == null ? "a number in the body is too large" : "field '" + field + "' is too large a number");
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
    }
  }
}
