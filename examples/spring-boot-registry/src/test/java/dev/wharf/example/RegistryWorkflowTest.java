package dev.wharf.example;

import dev.wharf.servlet.DistributionApiSuite;
import dev.wharf.servlet.RegistryServer;
import dev.wharf.servlet.suite.ContainerQuirk;
import dev.wharf.spi.Authorizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import java.net.URI;
import java.util.Set;

/**
 * The registry's whole HTTP workflow suite (pull, push, discovery, referrers, management, bad input) against the
 * registry inside this Spring Boot application, on the Tomcat, Jackson and Spring versions Spring Boot manages, with
 * Spring MVC, its form filters and Spring Security all present. The suite makes anonymous requests, so here the
 * registry lets anonymous callers do everything; the security cases are {@link SecurityCasesTest}'s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wharf.security.challenge-anonymous-base=false")
class RegistryWorkflowTest extends DistributionApiSuite {
    @LocalServerPort
    int port;

    @TestConfiguration
    static class OpenRegistry {
        @Bean
        Authorizer everyoneMayDoEverything() {
            return Authorizer.allowAll();
        }
    }

    @Override
    protected RegistryServer startServer() {
        URI base = URI.create("http://127.0.0.1:" + port);
        return new RegistryServer() {
            @Override
            public URI baseUri() {
                return base;
            }

            @Override
            public Set<ContainerQuirk> quirks() {
                // Embedded Tomcat, as in the suite's own Tomcat runs.
                return Set.of(ContainerQuirk.ANSWERS_TRUNCATED_BODY_ITSELF,
                        ContainerQuirk.CLOSES_TRUNCATED_NON_BLOCKING_BODY_UNANSWERED);
            }

            @Override
            public void close() {
                // the Spring test context owns the server
            }
        };
    }
}
