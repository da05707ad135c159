package io.ispcache.settings;

/**
 * A configuration value broke a rule. The process stops at start with {@link #getMessage()}, one
 * line naming the setting, the value and the rule.
 */
public final class InvalidSettingException extends RuntimeException {
  private final String setting;
  private final String value;
  private final String rule;

  public InvalidSettingException(String setting, Object value, String rule) {
    super("invalid setting " + setting + " = " + quote(value) + ": " + rule);
    this.setting = setting;
    this.value = String.valueOf(value);
    this.rule = rule;
  }

  private static String quote(Object value) {
    return value == null ? "<missing>" : "\"" + value + "\"";
  }

  public String setting() {
    return setting;
  }

  public String value() {
    return value;
  }

  public String rule() {
    return rule;
  }
}
