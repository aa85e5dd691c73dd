package dev.warden;

/** How the host authenticated a {@link Principal}. */
public enum AuthMethod {
  /** Password (or any non-SSO interactive login the host runs). */
  PASSWORD,
  /** Single sign-on through the organization's identity provider. */
  SSO,
  /** A personal API key resolved by {@code AccessPolicy.apiKeys().authenticate}. */
  API_KEY
}
