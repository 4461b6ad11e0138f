/** An example Spring Boot application serving a Wharf registry. */
package dev.wharf.example;
