package dev.wharf.example;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * {@link SkopeoTest} again with the registry token flow on ({@code wharf.security.token-auth=true}): skopeo gets
 * its tokens from the application's {@code /token} (as {@code alice}, and anonymously for the pull) and sends
 * them as bearer tokens.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "wharf.security.token-auth=true")
class TokenFlowSkopeoTest extends SkopeoTest {
}
