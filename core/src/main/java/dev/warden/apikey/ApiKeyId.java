package dev.warden.apikey;

import dev.warden.Limits;

/** Identifies a personal API key. Not a secret. Immutable. */
public record ApiKeyId(String value) {
  public ApiKeyId {
    Limits.id(value, "api key id");
  }

  public static ApiKeyId of(String value) {
    return new ApiKeyId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
