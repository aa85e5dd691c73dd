package dev.warden.examples.spring;

import dev.warden.AccessPolicy;
import dev.warden.Principal;
import dev.warden.apikey.ApiKeyId;
import dev.warden.apikey.ApiKeyRequest;
import dev.warden.apikey.IssuedApiKey;
import dev.warden.examples.spring.Views.ApiKeyView;
import dev.warden.organization.OrgId;
import dev.warden.project.ProjectId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The caller, and their personal API keys; a key's value is in the response that creates or rolls it only. */
@RestController
class ApiKeyController {
  private final AccessPolicy policy;

  ApiKeyController(AccessPolicy policy) {
    this.policy = policy;
  }

  record ApiKeyBody(String label, List<String> scopes, List<String> organizations, List<String> projects) {}

  record IssuedApiKeyView(ApiKeyView key, String value) {
    static IssuedApiKeyView of(IssuedApiKey issued) {
      return new IssuedApiKeyView(ApiKeyView.of(issued.key()), issued.value());
    }
  }

  @GetMapping("/me")
  Map<String, Object> me(@AuthenticationPrincipal Principal caller) {
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("user", caller.userId().value());
    caller.email().ifPresent(e -> me.put("email", e.value()));
    me.put("method", caller.method().name());
    caller.apiKey().ifPresent(k -> me.put("apiKey", k.id().value()));
    return me;
  }

  /** {@code {"label": …, "scopes": ["query:read"], "organizations": [...], "projects": [...]}}. */
  @PostMapping("/me/api-keys")
  @ResponseStatus(HttpStatus.CREATED)
  IssuedApiKeyView create(@AuthenticationPrincipal Principal caller, @RequestBody ApiKeyBody body) {
    if (body.scopes() == null || body.scopes().isEmpty()) {
      throw new BadRequestException("field 'scopes' must list at least one scope, such as \"query:read\" or \"*\"");
    }
    ApiKeyRequest request = ApiKeyRequest.labeled(body.label())
        .scopes(body.scopes().toArray(String[]::new))
        .limitToOrganizations(orEmpty(body.organizations()).stream().map(OrgId::of).toArray(OrgId[]::new))
        .limitToProjects(orEmpty(body.projects()).stream().map(ProjectId::of).toArray(ProjectId[]::new));
    return IssuedApiKeyView.of(policy.apiKeys().create(caller, request));
  }

  @GetMapping("/me/api-keys")
  Map<String, List<ApiKeyView>> list(@AuthenticationPrincipal Principal caller) {
    return Map.of("keys", policy.apiKeys().list(caller).stream().map(ApiKeyView::of).toList());
  }

  @PostMapping("/me/api-keys/{key}/roll")
  IssuedApiKeyView roll(@AuthenticationPrincipal Principal caller, @PathVariable String key) {
    return IssuedApiKeyView.of(policy.apiKeys().roll(caller, ApiKeyId.of(key)));
  }

  @DeleteMapping("/me/api-keys/{key}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revoke(@AuthenticationPrincipal Principal caller, @PathVariable String key) {
    policy.apiKeys().revoke(caller, ApiKeyId.of(key));
  }

  private static List<String> orEmpty(List<String> values) {
    return values == null ? List.of() : values;
  }
}
