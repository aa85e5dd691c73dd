/** Spring MVC integration: Warden's refusals as RFC 9457 problem details. */
package dev.warden.spring.web;
