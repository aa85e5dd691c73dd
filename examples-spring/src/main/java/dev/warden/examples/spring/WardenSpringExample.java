package dev.warden.examples.spring;

import dev.warden.AccessPolicy;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;

/**
 * The service: {@code mvn -q -pl examples-spring -am compile exec:java}, then the README's curl
 * walkthrough against http://127.0.0.1:8080. The {@link AccessPolicy} is the starter's, on the H2
 * database of {@code application.properties}; the application's own Flyway migration creates its
 * {@code insight} table first.
 */
// No user store: callers are identified per request (CallerAuthenticationFilter), so no generated password.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@EnableMethodSecurity
public class WardenSpringExample {

  public static void main(String[] args) {
    SpringApplication.run(WardenSpringExample.class, args);
  }

  /**
   * Stateless: every request says who is calling ({@link CallerAuthenticationFilter}); {@code /capture}
   * is authenticated by its project token and Actuator is open (loopback only).
   */
  @Bean
  SecurityFilterChain security(HttpSecurity http, AccessPolicy policy) throws Exception {
    return http
        .addFilterBefore(new CallerAuthenticationFilter(policy), AnonymousAuthenticationFilter.class)
        .authorizeHttpRequests(a -> a
            .requestMatchers("/capture", "/actuator/**", "/error").permitAll()
            .anyRequest().authenticated())
        .exceptionHandling(e -> e.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
        .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(c -> c.disable())
        .build();
  }
}
