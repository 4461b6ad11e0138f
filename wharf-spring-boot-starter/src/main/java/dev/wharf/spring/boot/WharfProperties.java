package dev.wharf.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code wharf.*} properties the starter builds the registry, its servlet and its security from. Everything the
 * properties do not cover is one {@link RegistryBuilderCustomizer} bean away.
 */
@ConfigurationProperties("wharf")
public class WharfProperties {
    /** Whether to serve a registry at all. */
    private boolean enabled = true;
    /** Where the registry's API is mapped: clients expect {@code /v2}, at the root of the host. */
    private String path = "/v2";
    /**
     * Where metadata (RocksDB, in {@code DIR/metadata}) and blobs ({@code DIR/blobs}) are kept; empty keeps
     * everything in memory, gone when the application stops. In Spring tests each context gets a directory of its
     * own unless {@code wharf.test.shared-data-dir} is true.
     */
    private Path dataDir;
    /** Blobs up to this size are kept in the metadata database rather than as files (with a data directory). */
    private DataSize inlineBlobSize = DataSize.ofKilobytes(64);
    /** Larger manifests are refused with 413. */
    private DataSize maxManifestSize = DataSize.ofMegabytes(4);
    /** Upload sessions idle for longer expire. */
    private Duration uploadExpiry = Duration.ofHours(1);
    /** When false, every delete answers 405 UNSUPPORTED. */
    private boolean deletesEnabled = true;
    /** Page size of tag lists and the catalog without {@code n}. */
    private int defaultPageSize = 100;
    /** The most one page holds. */
    private int maxPageSize = 1000;
    private final Gc gc = new Gc();
    private final Security security = new Security();

    /** Garbage collection ({@code wharf.gc.*}). */
    public static class Gc {
        /** How often garbage collection runs. */
        private Duration interval = Duration.ofHours(1);
        /** How long unreferenced blobs are kept before they may be collected. */
        private Duration blobGracePeriod = Duration.ofMinutes(10);
        /** Untagged manifests older than this are deleted; empty keeps them. */
        private Duration untaggedManifestRetention;

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public Duration getBlobGracePeriod() {
            return blobGracePeriod;
        }

        public void setBlobGracePeriod(Duration blobGracePeriod) {
            this.blobGracePeriod = blobGracePeriod;
        }

        public Duration getUntaggedManifestRetention() {
            return untaggedManifestRetention;
        }

        public void setUntaggedManifestRetention(Duration untaggedManifestRetention) {
            this.untaggedManifestRetention = untaggedManifestRetention;
        }
    }

    /**
     * Who may do what ({@code wharf.security.*}), when Spring Security is on the class path: callers are
     * authenticated by Spring Security (HTTP Basic against the application's users), and the registry decides
     * what each may do with these rules.
     */
    public static class Security {
        /** Whether the starter configures Spring Security for the registry's path. */
        private boolean enabled = true;
        /**
         * Whether {@code GET /v2/} asks anonymous callers to log in (401 with a Basic challenge), as clients expect
         * of a registry where anonymous callers may not push, so that {@code docker login} checks credentials.
         * Turn it off only with an authorizer that lets anonymous callers push.
         */
        private boolean challengeAnonymousBase = true;
        /** Repository globs anonymous callers may pull and list ({@code **} for everything). */
        private List<String> anonymousPull = new ArrayList<>();
        /**
         * What authenticated callers may do; empty lets every authenticated caller do everything. A rule applies to
         * callers holding its authority ({@code authenticated} for all of them).
         */
        private List<Rule> rules = new ArrayList<>();
        /**
         * Whether clients log in through the registry token flow instead of sending Basic credentials with every
         * request: the registry challenges with {@code Bearer realm=".../token"}, and a token service at
         * {@link #tokenPath} issues short-lived tokens to the application's users for what the rules let them do.
         */
        private boolean tokenAuth;
        /** Where the token service is mapped when {@link #tokenAuth} is on. */
        private String tokenPath = "/token";
        /** The {@code service} the challenge names and the tokens' audience. */
        private String tokenService = "wharf";
        /** How long an issued token is valid. */
        private Duration tokenLifetime = Duration.ofMinutes(5);

        public boolean isTokenAuth() {
            return tokenAuth;
        }

        public void setTokenAuth(boolean tokenAuth) {
            this.tokenAuth = tokenAuth;
        }

        public String getTokenPath() {
            return tokenPath;
        }

        public void setTokenPath(String tokenPath) {
            this.tokenPath = tokenPath;
        }

        public String getTokenService() {
            return tokenService;
        }

        public void setTokenService(String tokenService) {
            this.tokenService = tokenService;
        }

        public Duration getTokenLifetime() {
            return tokenLifetime;
        }

        public void setTokenLifetime(Duration tokenLifetime) {
            this.tokenLifetime = tokenLifetime;
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public boolean isChallengeAnonymousBase() {
            return challengeAnonymousBase;
        }

        public void setChallengeAnonymousBase(boolean challengeAnonymousBase) {
            this.challengeAnonymousBase = challengeAnonymousBase;
        }

        public List<String> getAnonymousPull() {
            return anonymousPull;
        }

        public void setAnonymousPull(List<String> anonymousPull) {
            this.anonymousPull = anonymousPull;
        }

        public List<Rule> getRules() {
            return rules;
        }

        public void setRules(List<Rule> rules) {
            this.rules = rules;
        }
    }

    /** One access rule: callers with {@code authority} may do {@code actions} on {@code repositories}. */
    public static class Rule {
        /** A granted authority ({@code ROLE_PUSHER}), or {@code authenticated} for every authenticated caller. */
        private String authority = "authenticated";
        /** Repository globs ({@code team/**}). */
        private List<String> repositories = new ArrayList<>(List.of("**"));
        /** pull, push, delete, catalog, or * for all. */
        private List<String> actions = new ArrayList<>(List.of("pull"));

        public String getAuthority() {
            return authority;
        }

        public void setAuthority(String authority) {
            this.authority = authority;
        }

        public List<String> getRepositories() {
            return repositories;
        }

        public void setRepositories(List<String> repositories) {
            this.repositories = repositories;
        }

        public List<String> getActions() {
            return actions;
        }

        public void setActions(List<String> actions) {
            this.actions = actions;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public Path getDataDir() {
        return dataDir;
    }

    public void setDataDir(Path dataDir) {
        this.dataDir = dataDir;
    }

    public DataSize getInlineBlobSize() {
        return inlineBlobSize;
    }

    public void setInlineBlobSize(DataSize inlineBlobSize) {
        this.inlineBlobSize = inlineBlobSize;
    }

    public DataSize getMaxManifestSize() {
        return maxManifestSize;
    }

    public void setMaxManifestSize(DataSize maxManifestSize) {
        this.maxManifestSize = maxManifestSize;
    }

    public Duration getUploadExpiry() {
        return uploadExpiry;
    }

    public void setUploadExpiry(Duration uploadExpiry) {
        this.uploadExpiry = uploadExpiry;
    }

    public boolean isDeletesEnabled() {
        return deletesEnabled;
    }

    public void setDeletesEnabled(boolean deletesEnabled) {
        this.deletesEnabled = deletesEnabled;
    }

    public int getDefaultPageSize() {
        return defaultPageSize;
    }

    public void setDefaultPageSize(int defaultPageSize) {
        this.defaultPageSize = defaultPageSize;
    }

    public int getMaxPageSize() {
        return maxPageSize;
    }

    public void setMaxPageSize(int maxPageSize) {
        this.maxPageSize = maxPageSize;
    }

    public Gc getGc() {
        return gc;
    }

    public Security getSecurity() {
        return security;
    }
}
