/**
 * Wharf in a Spring Boot application: auto-configuration of the registry and its servlet from {@code wharf.*}
 * properties ({@link dev.wharf.spring.boot.WharfProperties}), kept clear of Spring MVC's form filters and error page.
 */
package dev.wharf.spring.boot;
