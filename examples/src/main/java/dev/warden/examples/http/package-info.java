/**
 * An HTTP service guarded by Warden, on the JDK's {@code com.sun.net.httpserver} and nothing else:
 * Warden imported as a dependency, called in-process, stored in H2 through {@code spi-jdbc}. Start with
 * {@link dev.warden.examples.http.WardenHttpService}; the endpoints are in {@code WardenApi}, and the
 * mapping from Warden's answers to HTTP statuses in {@code HttpStatuses}.
 *
 * <p>The service trusts the {@code X-User-Id} header as the caller. That is a stand-in for the host's
 * login, fit for a demo on 127.0.0.1 and for nothing else.
 */
package dev.warden.examples.http;
