/** Personal API keys: values shown once and stored as hashes, scopes, limits, and authentication. */
package dev.warden.apikey;
