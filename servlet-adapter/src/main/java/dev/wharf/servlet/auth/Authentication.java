package dev.wharf.servlet.auth;

import dev.wharf.api.Caller;

import java.time.Duration;
import java.util.Objects;

/**
 * What an {@link Authenticator} made of a request's credentials. Sealed: the servlet answers each kind in one
 * way, so an authenticator can never let a request through by forgetting a case.
 */
public sealed interface Authentication {

    /** The request carried no credentials (or empty Basic credentials, which clients send to mean none). */
    static Authentication anonymous() {
        return Anonymous.INSTANCE;
    }

    /** Valid credentials: the request runs as {@code caller}, limited to {@code grants}. */
    static Authentication authenticated(Caller caller, Grants grants) {
        return new Authenticated(caller, grants);
    }

    /**
     * Credentials that prove nothing (an unknown user, a wrong password, a token that fails verification). The
     * {@code reason} is for the client's error message and must not tell a missing user from a wrong password.
     */
    static Authentication rejected(String reason) {
        return new Rejected(reason);
    }

    /** Too many failed logins from this client or for this user: wait {@code retryAfter} (answered 429). */
    static Authentication throttled(Duration retryAfter) {
        return new Throttled(retryAfter);
    }

    /** No credentials; see {@link Authentication#anonymous()}. */
    enum Anonymous implements Authentication { INSTANCE }

    /**
     * Valid credentials.
     *
     * @param caller who the request runs as; may be {@link Caller#anonymous()} for an anonymous token
     * @param grants what the credentials allow the request to ask for
     */
    record Authenticated(Caller caller, Grants grants) implements Authentication {
        /** Both parts are required. */
        public Authenticated {
            Objects.requireNonNull(caller, "caller");
            Objects.requireNonNull(grants, "grants");
        }
    }

    /**
     * Credentials that prove nothing.
     *
     * @param reason why, for the client, without telling a missing user from a wrong password
     */
    record Rejected(String reason) implements Authentication {
        /** The reason is required. */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Too many failed logins.
     *
     * @param retryAfter how long the client must wait (at least a second is announced)
     */
    record Throttled(Duration retryAfter) implements Authentication {
        /** The wait is required. */
        public Throttled {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
