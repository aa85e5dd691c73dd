package dev.warden.examples.spring;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** A request that can never succeed as sent: 400 with problem details. */
final class BadRequestException extends ResponseStatusException {
  BadRequestException(String detail) {
    super(HttpStatus.BAD_REQUEST, detail);
  }
}
