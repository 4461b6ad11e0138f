package dev.wharf.servlet;

import dev.wharf.api.Action;
import dev.wharf.servlet.auth.HtpasswdFile;
import dev.wharf.servlet.suite.Response;
import dev.wharf.spi.Authorizer;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the login tests share: three users and their passwords, the rights they have, Basic credentials, and the
 * one way two answers are compared once the repository names they concern are set aside.
 *
 * <p>Rights: admin everything; alice everything on {@code alice/**} and pull on {@code shared/**}; bob everything
 * on {@code bob/**} and pull on {@code shared/**}; anonymous pull on {@code public/**}.
 */
final class LoginFixtures {
    static final Map<String, String> PASSWORDS = Map.of("admin", "admin-pw", "alice", "alice-pw", "bob", "bob-pw");

    static final Authorizer POLICY = (caller, action, repository) -> {
        String user = caller.principal().map(Principal::getName).orElse("");
        String repo = repository.value();
        boolean read = action == Action.PULL || action == Action.CATALOG;
        if (user.isEmpty()) {
            return read && repo.startsWith("public/");
        }
        return user.equals("admin") || repo.startsWith(user + "/") || read && repo.startsWith("shared/");
    };

    private LoginFixtures() {
    }

    /** {@link #PASSWORDS} as an htpasswd file, hashed once (bcrypt at its default cost takes a while). */
    static HtpasswdFile users() {
        return Users.FILE;
    }

    /** An {@code Authorization} value with Basic credentials. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Status, headers but {@code Date} and {@code Connection}, and body, with {@code upload} and the hidden
     * repositories' names ({@code bob/a}, {@code bob/z}) set aside.
     */
    static String normalized(Response r, String upload) {
        Map<String, List<String>> headers = new TreeMap<>(r.headers());
        headers.remove("date");
        // Tomcat closes a keep-alive connection after its hundredth request, whatever the request was.
        headers.remove("connection");
        headers.remove(":status");
        String text = r.status() + " " + headers + " " + new String(r.body(), StandardCharsets.UTF_8);
        return text.replace(upload, "<upload>").replace("bob/a", "<repo>").replace("bob/z", "<repo>");
    }

    /** Made on first use. */
    private static final class Users {
        static final HtpasswdFile FILE;

        static {
            List<String> lines = new ArrayList<>();
            PASSWORDS.forEach((user, password) -> lines.add(user + ":" + HtpasswdFile.hash(password.toCharArray())));
            FILE = HtpasswdFile.parse("test users", lines);
        }
    }
}
