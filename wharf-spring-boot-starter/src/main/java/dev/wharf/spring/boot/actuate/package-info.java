/** The registry in Spring Boot Actuator: a health component and Micrometer metrics. */
package dev.wharf.spring.boot.actuate;
