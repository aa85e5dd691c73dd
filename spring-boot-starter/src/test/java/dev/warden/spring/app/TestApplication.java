package dev.warden.spring.app;

import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A host application as a team would write it: its own Flyway migration ({@code db/migration/V1}),
 * HTTP Basic users, and two endpoints guarded by Warden through method security.
 */
@SpringBootApplication
@EnableMethodSecurity
public class TestApplication {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http
        // /open/** lets anonymous callers through to method security, where Warden itself must refuse them.
        .authorizeHttpRequests(a -> a.requestMatchers("/actuator/**", "/open/**").permitAll()
            .anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .csrf(c -> c.disable())
        .build();
  }

  @Bean
  InMemoryUserDetailsManager users() {
    return new InMemoryUserDetailsManager(
        User.withUsername("alice").password("{noop}pw").roles("USER").build(),
        User.withUsername("bob").password("{noop}pw").roles("USER").build());
  }

  /** The host's own data, guarded by Warden. */
  @RestController
  static class ProjectData {
    @GetMapping({"/projects/{projectId}/data", "/open/projects/{projectId}/data"})
    @PreAuthorize("@warden.can(#projectId, 'VIEW_DATA')")
    Map<String, Object> data(@PathVariable String projectId) {
      return Map.of("project", projectId, "events", 42);
    }

    @PostMapping({"/projects/{projectId}/insights", "/open/projects/{projectId}/insights"})
    @ResponseStatus(HttpStatus.CREATED)
    @PreAuthorize("hasPermission(#projectId, 'Project', 'CREATE_CONTENT')")
    Map<String, Object> createInsight(@PathVariable String projectId) {
      return Map.of("project", projectId, "insight", "created");
    }
  }
}
