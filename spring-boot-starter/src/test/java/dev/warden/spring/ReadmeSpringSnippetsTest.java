package dev.warden.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.warden.AccessPolicy;
import dev.warden.AuthMethod;
import dev.warden.NotFoundException;
import dev.warden.PermissionDeniedException;
import dev.warden.Principal;
import dev.warden.Reason;
import dev.warden.invite.InviteRequest;
import dev.warden.organization.OrgId;
import dev.warden.organization.UserId;
import dev.warden.project.Project;
import dev.warden.project.ProjectRole;
import dev.warden.project.Visibility;
import dev.warden.spring.security.PrincipalResolver;
import dev.warden.spring.security.WardenSecurity;
import dev.warden.spring.security.WardenSecurityAutoConfiguration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Java snippets of the README's "Spring Boot" section, compiled and run: the guarded controller
 * ({@code spring-preauthorize}) and the principal resolver ({@code spring-principal-resolver}), through
 * real method security in an application context.
 */
class ReadmeSpringSnippetsTest {

  /** The application's own user, as its login produces it (a UserDetails or an OIDC user in practice). */
  record AppUser(String id, String email, boolean sso, boolean mfa, Instant signedInAt) {}


  @Configuration(proxyBeanMethods = false)
  @EnableMethodSecurity
  static class Application {
    // tag::spring-principal-resolver[]
    @Bean
    PrincipalResolver principalResolver() {
      return authentication -> {
        AppUser user = (AppUser) authentication.getPrincipal();   // whatever your login puts there
        return Principal.user(UserId.of(user.id()), user.email())
            .via(user.sso() ? AuthMethod.SSO : AuthMethod.PASSWORD)
            .withMfa(user.mfa())
            .authenticatedAt(user.signedInAt());
      };
    }
    // end::spring-principal-resolver[]

    @Bean
    ProjectDataController projectDataController() {
      return new ProjectDataController();
    }
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(WardenAutoConfiguration.class, WardenSecurityAutoConfiguration.class))
      .withUserConfiguration(Application.class);

  @AfterEach
  void clear() {
    SecurityContextHolder.clearContext();
  }

  @Test
  void snippets_guardTheControllerWithTheResolvedPrincipal() {
    runner.run(context -> {
      AccessPolicy policy = context.getBean(AccessPolicy.class);
      Principal alice = Principal.user(UserId.of("alice"), "alice@acme.com");
      OrgId org = policy.organizations().create(alice, "Acme").id();
      Project prod = policy.projects().create(alice, org, "Production");
      Project secret = policy.projects().create(alice, org, "Secret");
      policy.projects().setVisibility(alice, secret.id(), Visibility.PRIVATE);
      Principal bob = Principal.user(UserId.of("bob"), "bob@acme.com");
      policy.invites().accept(policy.invites().create(alice, org, InviteRequest.to("bob@acme.com")
          .grant(prod.id(), ProjectRole.VIEWER)).token(), bob, "bob@acme.com");
      SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
          new AppUser("bob", "bob@acme.com", true, true, Instant.now()), null, List.of()));

      Principal resolved = context.getBean(WardenSecurity.class).currentPrincipal();
      assertThat(resolved.method()).isEqualTo(AuthMethod.SSO);
      assertThat(resolved.mfa()).isTrue();
      ProjectDataController controller = context.getBean(ProjectDataController.class);
      assertThat(controller.data(prod.id().value())).containsEntry("events", 42);
      assertThatThrownBy(() -> controller.data(secret.id().value())).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> controller.createInsight(prod.id().value()))
          .isInstanceOfSatisfying(PermissionDeniedException.class,
              e -> assertThat(e.reason()).contains(Reason.ROLE_TOO_LOW));
    });
  }
}

/** The README's guarded controller, as shown there. */
// tag::spring-preauthorize[]
@RestController
class ProjectDataController {
  @GetMapping("/projects/{projectId}/data")
  @PreAuthorize("@warden.can(#projectId, 'VIEW_DATA')")               // 404 if hidden, 403 if denied
  Map<String, Object> data(@PathVariable String projectId) {
    return Map.of("project", projectId, "events", 42);
  }

  @PostMapping("/projects/{projectId}/insights")
  @PreAuthorize("hasPermission(#projectId, 'Project', 'CREATE_CONTENT')")
  Map<String, Object> createInsight(@PathVariable String projectId) {
    return Map.of("project", projectId, "created", true);
  }
}
// end::spring-preauthorize[]
