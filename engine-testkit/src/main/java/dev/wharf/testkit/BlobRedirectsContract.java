package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.spi.BlobRedirects;
import dev.wharf.spi.BlobStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Optional;

import static dev.wharf.testkit.BlobFixtures.bytes;
import static dev.wharf.testkit.BlobFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional {@link BlobRedirects} contract: for a stored blob, an absolute {@code http} or {@code https} URI
 * that serves it, or nothing (serve it through Wharf). A store that declares no redirecting role
 * ({@link BlobStore#redirects()} empty) skips this, saying so. Run through {@link BlobStoreContract}.
 */
public interface BlobRedirectsContract extends BlobStoreUnderTest {

    @Test
    default void shouldRedirectToAnAbsoluteHttpUriOrServeThroughWharf() {
        Optional<BlobRedirects> redirects = store().redirects();
        Assumptions.assumeTrue(redirects.isPresent(),
                "the store declares no redirecting role (redirects() is empty): Wharf serves every blob itself");
        Digest d = put(store(), bytes("fetched elsewhere")).digest();
        Optional<URI> uri = redirects.get().readRedirect(d);
        uri.ifPresent(u -> assertThat(u.isAbsolute() && u.getScheme().matches("https?")).as("%s", u).isTrue());
        assertThat(store().redirects()).as("the role is declared for good").isPresent();
    }
}
