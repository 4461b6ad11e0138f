package dev.wharf.servlet.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wharf.api.Action;
import dev.wharf.api.Caller;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RepositoryName;
import dev.wharf.spi.Authorizer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A token service for the registry token flow, to run beside a registry whose {@link BearerAuthenticator} trusts
 * its {@link TokenIssuer}. Map it at {@value #DEFAULT_PATH} (the realm a {@code BearerAuthenticator} names by
 * default). It answers:
 * <ul>
 *   <li>{@code GET ?service=S&scope=repository:team/app:pull,push[&scope=...]} with optional Basic credentials,
 *       as docker, podman, skopeo, Jib and ORAS ask: {@code {"token", "access_token", "expires_in", "issued_at"}};</li>
 *   <li>{@code POST} of the OAuth 2 password grant ({@code grant_type=password&username&password&scope&service}),
 *       as containerd asks: {@code {"access_token", "token_type", "expires_in", "issued_at", "scope"}}. Refresh
 *       tokens are not issued; a refresh grant is answered {@code 400 unsupported_grant_type}.</li>
 * </ul>
 * A request without credentials gets a token only when the service is made to give anonymous tokens (granting
 * what the authorizer lets anonymous callers do); otherwise it is answered {@code 401}. A token grants, of the
 * scopes asked for, only the actions the {@link Authorizer} lets its user (or the anonymous caller) do: {@code pull}, {@code push}, {@code delete} on a repository, and
 * {@code registry:catalog:*} (the registry then lists only what the caller may read). Asking for more is not an
 * error; the token just does not grant it, and the registry answers what the token lacks with a {@code 401}.
 * Wrong credentials are {@code 401} with a Basic challenge; failed logins count against a {@link LoginThrottle}
 * ({@code 429} with {@code Retry-After} beyond it). Credentials and tokens are never logged; answers carry
 * {@code Cache-Control: no-store}.
 */
public final class TokenServlet extends HttpServlet {
    /** The path a {@link BearerAuthenticator} names as its realm unless told otherwise. */
    public static final String DEFAULT_PATH = "/token";

    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Action> ACTIONS = Map.of("pull", Action.PULL, "push", Action.PUSH,
            "delete", Action.DELETE);

    private final transient TokenIssuer issuer;
    private final transient PasswordVerifier passwords;
    private final transient Authorizer authorizer;
    private final transient LoginThrottle throttle;
    private final transient CredentialCache verified;
    private final boolean anonymousTokens;
    private final String challenge;

    /**
     * A token service signing with {@code issuer}, checking passwords with {@code passwords} and granting what
     * {@code authorizer} allows, with the default {@link LoginThrottle}, giving tokens only to users who log in.
     */
    public TokenServlet(TokenIssuer issuer, PasswordVerifier passwords, Authorizer authorizer) {
        this(issuer, passwords, authorizer, new LoginThrottle(), false);
    }

    /**
     * The same, counting failed logins in {@code throttle} (share it with a {@link BasicAuthenticator} if any).
     *
     * @param anonymousTokens whether a request without credentials gets a token (granting what the authorizer lets
     *                        anonymous callers do); when false it is answered {@code 401} with a Basic challenge, as
     *                        a registry that admits no anonymous callers should
     */
    public TokenServlet(TokenIssuer issuer, PasswordVerifier passwords, Authorizer authorizer, LoginThrottle throttle,
                        boolean anonymousTokens) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.passwords = Objects.requireNonNull(passwords, "passwords");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.throttle = Objects.requireNonNull(throttle, "throttle");
        this.verified = new CredentialCache(Duration.ofMinutes(1).toNanos(), System::nanoTime);
        this.anonymousTokens = anonymousTokens;
        this.challenge = "Basic realm=\"" + Challenges.quote(issuer.service()) + "\"";
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!serviceMatches(request.getParameter("service"), response)) {
            return;
        }
        String header = request.getHeader("Authorization");
        Optional<BasicCredentials> credentials = Optional.empty();
        if (header != null) {
            credentials = BasicCredentials.parse(header);
            if (credentials.isEmpty()) {
                response.setHeader("WWW-Authenticate", challenge);
                refuse(response, 401, "the token service takes Basic credentials");
                return;
            }
        }
        List<Scope> asked = new ArrayList<>();
        String[] scopes = request.getParameterValues("scope");
        if (!parseScopes(scopes == null ? List.of() : List.of(scopes), asked, response)) {
            credentials.ifPresent(BasicCredentials::clear);
            return;
        }
        Optional<Caller> caller = login(credentials, request, response);
        if (caller.isEmpty()) {
            return;
        }
        TokenIssuer.IssuedToken token = issuer.issue(subject(caller.get()), grant(caller.get(), asked));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", token.token());
        body.put("access_token", token.token());
        body.put("expires_in", token.lifetime().toSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(token.issuedAt()));
        answer(response, 200, body);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!serviceMatches(request.getParameter("service"), response)) {
            return;
        }
        String query = request.getQueryString();
        if (query != null && (query.contains("password=") || query.contains("username="))) {
            // getParameter would take them from the URL too, which access logs keep: they belong in the body
            refuse(response, 400, "send username and password in the form body, not the URL");
            return;
        }
        String grant = request.getParameter("grant_type");
        if (!"password".equals(grant)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", grant == null ? "invalid_request" : "unsupported_grant_type");
            body.put("error_description", "only grant_type=password is supported");
            answer(response, 400, body);
            return;
        }
        String user = Optional.ofNullable(request.getParameter("username")).orElse("");
        String password = Optional.ofNullable(request.getParameter("password")).orElse("");
        List<Scope> asked = new ArrayList<>();
        String[] scopes = request.getParameterValues("scope");
        if (!parseScopes(scopes == null ? List.of() : List.of(scopes), asked, response)) {
            return;
        }
        Optional<Caller> caller = login(Optional.of(new BasicCredentials(user, password.toCharArray())), request,
                response);
        if (caller.isEmpty()) {
            return;
        }
        List<Scope> granted = grant(caller.get(), asked);
        TokenIssuer.IssuedToken token = issuer.issue(subject(caller.get()), granted);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.token());
        body.put("token_type", "Bearer");
        body.put("expires_in", token.lifetime().toSeconds());
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(token.issuedAt()));
        body.put("scope", String.join(" ", granted.stream().map(Scope::toString).toList()));
        answer(response, 200, body);
    }

    /** The caller the credentials prove (anonymous without any), or empty once a refusal was written. */
    private Optional<Caller> login(Optional<BasicCredentials> credentials, HttpServletRequest request,
                                   HttpServletResponse response) throws IOException {
        if (credentials.isEmpty() || credentials.get().isEmpty()) {
            credentials.ifPresent(BasicCredentials::clear);
            if (!anonymousTokens) {
                response.setHeader("WWW-Authenticate", challenge);
                refuse(response, 401, "authentication required: log in to get a token");
                return Optional.empty();
            }
            return Optional.of(Caller.anonymous());
        }
        Authentication result;
        try {
            result = BasicAuthenticator.check(passwords, throttle, verified, credentials.get(), request.getRemoteAddr());
        } finally {
            credentials.get().clear();
        }
        if (result instanceof Authentication.Authenticated authenticated) {
            return Optional.of(authenticated.caller());
        }
        if (result instanceof Authentication.Throttled throttled) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, throttled.retryAfter().toSeconds())));
            refuse(response, 429, "too many failed logins; try again later");
        } else {
            response.setHeader("WWW-Authenticate", challenge);
            refuse(response, 401, "incorrect username or password");
        }
        return Optional.empty();
    }

    /** Of {@code asked}, what the authorizer lets {@code caller} do. */
    List<Scope> grant(Caller caller, List<Scope> asked) {
        List<Scope> granted = new ArrayList<>();
        for (Scope scope : asked) {
            if (Scope.REGISTRY.equals(scope.type()) && "catalog".equals(scope.name()) && scope.allows("*")) {
                granted.add(Scope.CATALOG);
                continue;
            }
            if (!Scope.REPOSITORY.equals(scope.type())) {
                continue;
            }
            RepositoryName repository;
            try {
                repository = RepositoryName.of(scope.name());
            } catch (RuntimeException e) {
                continue; // not a name this registry could hold: nothing to grant
            }
            Set<String> actions = new LinkedHashSet<>();
            for (Map.Entry<String, Action> action : ACTIONS.entrySet()) {
                if (scope.allows(action.getKey()) && authorizer.permits(caller, action.getValue(), repository)) {
                    actions.add(action.getKey());
                }
            }
            if (!actions.isEmpty()) {
                granted.add(scope.withActions(ordered(actions)));
            }
        }
        return granted;
    }

    private static Set<String> ordered(Set<String> actions) {
        Set<String> ordered = new LinkedHashSet<>();
        for (String action : List.of("pull", "push", "delete")) {
            if (actions.contains(action)) {
                ordered.add(action);
            }
        }
        return ordered;
    }

    private boolean parseScopes(List<String> values, List<Scope> into, HttpServletResponse response)
            throws IOException {
        try {
            for (String value : values) {
                into.addAll(Scope.parseAll(value));
            }
            return true;
        } catch (IllegalArgumentException e) {
            refuse(response, 400, "bad scope: " + e.getMessage());
            return false;
        }
    }

    private boolean serviceMatches(String service, HttpServletResponse response) throws IOException {
        if (service == null || service.equals(issuer.service())) {
            return true;
        }
        refuse(response, 400, "this token service issues tokens for service '" + issuer.service()
                + "', not '" + service + "'");
        return false;
    }

    private static String subject(Caller caller) {
        return caller.principal().map(java.security.Principal::getName).orElse("");
    }

    /**
     * The spec's error envelope, {@code {"errors":[{"code","message"}]}}, with the code its status means (400
     * UNSUPPORTED, 401 UNAUTHORIZED, 429 TOOMANYREQUESTS). Written here rather than by the servlet package's
     * {@code ErrorEnvelope}: that package depends on this one, and a dependency back would make a cycle.
     */
    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        String code = switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED.name();
            case 429 -> ErrorCode.TOOMANYREQUESTS.name();
            default -> ErrorCode.UNSUPPORTED.name();
        };
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        answer(response, status, Map.of("errors", List.of(error)));
    }

    private static void answer(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot write the token service's answer", e);
        }
        write(response, status, bytes);
    }

    private static void write(HttpServletResponse response, int status, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    @Override
    public String toString() {
        return "TokenServlet[" + issuer + "]";
    }
}
