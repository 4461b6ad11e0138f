package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.servlet.auth.Authentication;
import dev.wharf.servlet.auth.Authenticator;
import dev.wharf.servlet.auth.Grants;
import dev.wharf.servlet.auth.Scope;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where every routed request is authenticated before its handler runs, as {@link Authenticator} describes: the
 * caller is admitted into the {@link Exchange}, or the request is refused with {@code 401} and a challenge naming
 * the scopes it needs, or {@code 429} for a client throttled after failed logins. The answer depends only on the
 * request and its credentials, never on what the registry holds, so it reveals nothing about repositories.
 */
final class AccessDoor {
    private final Authenticator authenticator;

    AccessDoor(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    /**
     * Admits the request's caller into {@code exchange}.
     *
     * @throws RegistryException {@code UNAUTHORIZED} (the challenge set on the exchange) or {@code TOOMANYREQUESTS}
     *                           (with {@code Retry-After})
     */
    void admit(Exchange exchange, Endpoint endpoint, Map<String, String> params) {
        // The scopes are worked out only when something needs them (a token's grants, a challenge): the default
        // authenticator and password logins admit most requests without them.
        Supplier<List<Scope>> needed = new Supplier<>() {
            private List<Scope> scopes;

            @Override
            public List<Scope> get() {
                if (scopes == null) {
                    scopes = scopes(endpoint, params, exchange.query());
                }
                return scopes;
            }
        };
        Authentication result = authenticator.authenticate(exchange.request());
        if (result instanceof Authentication.Authenticated authenticated) {
            Grants grants = authenticated.grants();
            if (!grants.isUnlimited() && !grants.coversAll(needed.get())) {
                List<String> names = needed.get().stream().map(Scope::toString).toList();
                exchange.challengeWith(authenticator.challenge(exchange.request(), needed.get(),
                        Optional.of("insufficient_scope")));
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "the token does not grant "
                        + String.join(" ", names), Map.of("needed", names));
            }
            exchange.admit(authenticated.caller(),
                    () -> authenticator.challenge(exchange.request(), needed.get(), Optional.empty()));
        } else if (result instanceof Authentication.Anonymous) {
            if (!authenticator.admitsAnonymous()) {
                exchange.challengeWith(authenticator.challenge(exchange.request(), needed.get(), Optional.empty()));
                throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication required");
            }
            exchange.admit(dev.wharf.api.Caller.anonymous(),
                    () -> authenticator.challenge(exchange.request(), needed.get(), Optional.empty()));
        } else if (result instanceof Authentication.Rejected rejected) {
            exchange.challengeWith(authenticator.challenge(exchange.request(), needed.get(),
                    Optional.of("invalid_token")));
            throw new RegistryException(ErrorCode.UNAUTHORIZED, "authentication failed: " + rejected.reason());
        } else if (result instanceof Authentication.Throttled throttled) {
            throw new RegistryException(ErrorCode.TOOMANYREQUESTS,
                    "too many failed logins from this client; try again later").withRetryAfter(throttled.retryAfter());
        } else {
            throw new IllegalStateException("unknown authentication result " + result);
        }
    }

    /**
     * The scopes {@code endpoint} needs, named as {@link Authenticator} lists them. A name that could not be a
     * scope's (the route lets through names the handlers then refuse as {@code NAME_INVALID}) needs none: the
     * request can only be refused, and the refusal tells nothing.
     */
    static List<Scope> scopes(Endpoint endpoint, Map<String, String> params, QueryParams query) {
        String name = params.get("name");
        return switch (endpoint) {
            // The discover documents are this registry's configuration, the same for every repository: they tell
            // nothing of what a repository holds, or whether it exists.
            case BASE, DISCOVER, REPOSITORY_DISCOVER -> List.of();
            // The event log and the search, like the catalog, show each caller only the repositories it may pull.
            case CATALOG, EVENTS, USAGE, SEARCH -> List.of(Scope.CATALOG);
            case BLOB_READ, MANIFEST_READ, TAGS_LIST, REFERRERS, REPOSITORY_USAGE, REPOSITORY_SEARCH ->
                    repository(name, "pull");
            case UPLOAD_START -> {
                List<Scope> target = repository(name, "pull", "push");
                Optional<String> from = query.first("mount").flatMap(m -> query.first("from"));
                List<Scope> source = from.isPresent() && !from.get().equals(name)
                        ? repository(from.get(), "pull") : List.of();
                yield target.isEmpty() || source.isEmpty() ? target
                        : List.of(target.get(0), source.get(0));
            }
            case UPLOAD_STATUS, UPLOAD_CHUNK, UPLOAD_COMPLETE, UPLOAD_CANCEL, MANIFEST_PUT ->
                    repository(name, "pull", "push");
            case BLOB_DELETE, MANIFEST_DELETE -> repository(name, "delete");
        };
    }

    private static List<Scope> repository(String name, String... actions) {
        try {
            return List.of(Scope.repository(name, actions));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
