package dev.warden.examples.spring;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Warden's own validation (a blank name, a malformed email, an unknown scope) throws
 * {@link IllegalArgumentException}: a request that can never succeed as sent, so 400. Its messages name
 * the bad value and never a secret.
 */
@RestControllerAdvice
class BadInput {
  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail badInput(IllegalArgumentException e) {
    return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
  }
}
