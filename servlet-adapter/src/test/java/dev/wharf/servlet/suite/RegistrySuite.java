package dev.wharf.servlet.suite;

/**
 * Base of every workflow suite: the one thing a suite needs is a client for a running registry. The
 * enclosing fixture ({@code DistributionApiSuite}) supplies it, one server per concrete test class.
 */
public abstract class RegistrySuite {

    /** The client for the registry under test. */
    protected abstract RegistryHttp http();

    /** {@code /v2/<repo>/manifests/<reference>} */
    protected static String manifestPath(String repo, String reference) {
        return "/v2/" + repo + "/manifests/" + reference;
    }

    /** {@code /v2/<repo>/blobs/<digest>} */
    protected static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest;
    }

    /** {@code /v2/<repo>/blobs/uploads/} */
    protected static String uploadsPath(String repo) {
        return "/v2/" + repo + "/blobs/uploads/";
    }
}
