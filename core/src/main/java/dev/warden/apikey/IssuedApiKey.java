package dev.warden.apikey;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * A new or rolled API key and its value ({@code wdk_…} with the default token format). The value is shown only here, once; Warden
 * keeps only its SHA-256 hash. {@link #toString()} leaves it out.
 */
public record IssuedApiKey(ApiKey key, String value) {
  public IssuedApiKey {
    checkNotNull(key, "key");
    checkNotNull(value, "value");
  }

  @Override
  public String toString() {
    return "IssuedApiKey[key=" + key + ", value=redacted]";
  }
}
