package dev.wharf.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot application that serves a Wharf registry at {@code /v2/} beside an ordinary endpoint of its own,
 * {@code GET /hello}. Everything about the registry comes from the starter and {@code application.properties}:
 * anonymous pull of every repository, push for the user {@code alice}.
 */
@SpringBootApplication
public class RegistryApplication {

    public static void main(String[] args) {
        SpringApplication.run(RegistryApplication.class, args);
    }

    /** The application's own endpoint, to show the registry leaves the rest of the web stack alone. */
    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello from an application that also serves a registry\n";
        }
    }
}
