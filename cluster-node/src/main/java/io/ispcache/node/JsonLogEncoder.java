package io.ispcache.node;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per log line, for log shippers (installed nodes with {@code
 * ISPCACHE_LOG_FORMAT=json}): {@code time} (UTC, ISO-8601), {@code level}, {@code logger}, {@code
 * thread}, {@code message}, and {@code mdc} and {@code exception} when there are any. Line breaks
 * inside a message or stack trace are escaped, so a line is always a whole event.
 */
public final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] NOTHING = new byte[0];

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      if (mdc != null && !mdc.isEmpty()) {
        json.writeObjectFieldStart("mdc");
        for (Map.Entry<String, String> e : mdc.entrySet()) {
          json.writeStringField(e.getKey(), e.getValue());
        }
        json.writeEndObject();
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }
}
