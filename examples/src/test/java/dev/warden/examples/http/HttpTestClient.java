package dev.warden.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Drives the service over real HTTP with {@link HttpClient}, as a caller of the host would. */
final class HttpTestClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  HttpTestClient(URI base) {
    this.base = base;
  }

  /** A caller the service trusts by {@code X-User-Id}, with the verified email {@code <user>@acme.com}. */
  Caller as(String user) {
    return as(user, user + "@acme.com");
  }

  Caller as(String user, String email) {
    return new Caller(List.of("X-User-Id", user, "X-User-Email", email));
  }

  /** A caller presenting a personal API key. */
  Caller withKey(String value) {
    return new Caller(List.of("Authorization", "Bearer " + value));
  }

  /** A caller with the given raw headers (name, value, name, value, …). */
  Caller withHeaders(String... namesAndValues) {
    return new Caller(List.of(namesAndValues));
  }

  Caller anonymous() {
    return new Caller(List.of());
  }

  /** A JSON object as text: {@code json("name", "Acme")}. */
  static String json(Object... keysAndValues) {
    return Json.write(Json.object(keysAndValues));
  }

  /** One caller's requests. */
  final class Caller {
    private final List<String> headers;

    private Caller(List<String> headers) {
      this.headers = headers;
    }

    Reply get(String path) {
      return send("GET", path, null);
    }

    Reply post(String path, String body) {
      return send("POST", path, body);
    }

    Reply patch(String path, String body) {
      return send("PATCH", path, body);
    }

    Reply put(String path, String body) {
      return send("PUT", path, body);
    }

    Reply delete(String path) {
      return send("DELETE", path, null);
    }

    Reply send(String method, String path, String body) {
      HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
          .timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      for (int i = 0; i < headers.size(); i += 2) {
        request.header(headers.get(i), headers.get(i + 1));
      }
      try {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers());
      } catch (IOException e) {
        throw new AssertionError(method + " " + path + " failed", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** A response: status, raw body and the body parsed as JSON. */
  record Reply(int status, String body, HttpHeaders headers) {

    /** Asserts the status (showing the body when it differs) and returns this reply. */
    Reply expect(int expected) {
      assertThat(status).as("status of a reply with body %s", body).isEqualTo(expected);
      return this;
    }

    /** Asserts an error status and code ({@code {"error": code}}) and returns this reply. */
    Reply expectError(int expected, String code) {
      expect(expected);
      assertThat(string("error")).as("error code in %s", body).isEqualTo(code);
      assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.warden.");
      return this;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      Object parsed = Json.parse(body);
      assertThat(parsed).as("body %s", body).isInstanceOf(Map.class);
      return (Map<String, Object>) parsed;
    }

    /** A top-level field as a string ({@code null} for JSON null). */
    String string(String field) {
      Object value = json().get(field);
      return value == null || value == Json.NULL ? null : value.toString();
    }

    /** A top-level array of objects. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> list(String field) {
      Object value = json().get(field);
      assertThat(value).as("field %s of %s", field, body).isInstanceOf(List.class);
      return new ArrayList<>((List<Map<String, Object>>) value);
    }

    /** A nested object. */
    @SuppressWarnings("unchecked")
    Map<String, Object> object(String field) {
      Object value = json().get(field);
      assertThat(value).as("field %s of %s", field, body).isInstanceOf(Map.class);
      return (Map<String, Object>) value;
    }
  }
}
