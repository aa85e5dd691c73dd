package dev.warden.spring.security;

import dev.warden.AccessPolicy;
import dev.warden.spring.WardenAutoConfiguration;
import java.io.Serializable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.access.PermissionEvaluator;
import org.springframework.security.access.expression.method.DefaultMethodSecurityExpressionHandler;
import org.springframework.security.access.expression.method.MethodSecurityExpressionHandler;
import org.springframework.security.core.Authentication;

/**
 * Spring Security integration, when Spring Security is on the classpath: the {@link PrincipalResolver}
 * (replace it with your own bean), the {@code warden} bean for {@code @PreAuthorize}, and a
 * {@link PermissionEvaluator} for {@code hasPermission}, installed in method security's expression
 * handler unless the application declares its own {@link MethodSecurityExpressionHandler}. Method
 * security itself is the application's to enable ({@code @EnableMethodSecurity}).
 */
@AutoConfiguration(after = WardenAutoConfiguration.class)
@ConditionalOnClass(Authentication.class)
@ConditionalOnBean(AccessPolicy.class)
public class WardenSecurityAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  PrincipalResolver wardenPrincipalResolver() {
    return PrincipalResolver.DEFAULT;
  }

  @Bean(name = "warden")
  @ConditionalOnMissingBean(name = "warden")
  WardenSecurity warden(AccessPolicy policy, PrincipalResolver principals) {
    return new WardenSecurity(policy, principals);
  }

  @Bean
  @ConditionalOnMissingBean(PermissionEvaluator.class)
  WardenPermissionEvaluator wardenPermissionEvaluator(WardenSecurity warden) {
    return new WardenPermissionEvaluator(warden);
  }

  /**
   * Method security's expression handler with the permission evaluator. Static and lazy, as Spring
   * Security asks of infrastructure beans: method security is set up before the policy exists.
   */
  @Bean
  @ConditionalOnMissingBean(MethodSecurityExpressionHandler.class)
  static MethodSecurityExpressionHandler wardenMethodSecurityExpressionHandler(
      ObjectProvider<PermissionEvaluator> evaluator, ApplicationContext context) {
    DefaultMethodSecurityExpressionHandler handler = new DefaultMethodSecurityExpressionHandler();
    handler.setPermissionEvaluator(new PermissionEvaluator() {
      @Override
      public boolean hasPermission(Authentication authentication, Object target, Object permission) {
        return evaluator.getObject().hasPermission(authentication, target, permission);
      }

      @Override
      public boolean hasPermission(Authentication authentication, Serializable targetId, String targetType,
          Object permission) {
        return evaluator.getObject().hasPermission(authentication, targetId, targetType, permission);
      }
    });
    handler.setApplicationContext(context);
    return handler;
  }
}
