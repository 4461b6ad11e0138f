package dev.wharf.spring.boot.security;

import dev.wharf.api.Caller;
import dev.wharf.servlet.auth.BasicAuthenticator;
import dev.wharf.servlet.auth.BearerAuthenticator;
import dev.wharf.servlet.auth.PasswordVerifier;
import dev.wharf.servlet.auth.TokenIssuer;
import dev.wharf.servlet.auth.TokenServlet;
import dev.wharf.spi.Authorizer;
import dev.wharf.spring.boot.RegistryPaths;
import dev.wharf.spring.boot.WharfProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

import java.util.Optional;

/**
 * The registry token flow in a Spring application ({@code wharf.security.token-auth=true}), as docker, podman,
 * skopeo, containerd, Jib and ORAS speak it: the registry answers anonymous requests {@code 401} with
 * {@code WWW-Authenticate: Bearer realm="<scheme>://<host>/token",service="wharf",scope="repository:<name>:pull"},
 * and a {@link TokenServlet} at {@code wharf.security.token-path} issues short-lived tokens to the application's
 * users (its {@link UserDetailsService}, checked with its {@link PasswordEncoder}), granting of the scopes asked
 * for what the registry's {@link Authorizer} lets each user do. Anonymous callers get tokens for what
 * {@code wharf.security.anonymous-pull} lets them pull. The tokens are signed by a key made at start unless the
 * application declares its own {@link TokenIssuer} bean (several instances of an application must share one).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "wharf.security", name = "token-auth", havingValue = "true")
public class WharfTokenFlow {

    /** Signs the tokens, with a key made at start. */
    @Bean
    @ConditionalOnMissingBean
    public TokenIssuer wharfTokenIssuer(WharfProperties properties) {
        WharfProperties.Security security = properties.getSecurity();
        return TokenIssuer.generated("wharf", security.getTokenService(), security.getTokenLifetime());
    }

    /** Takes the tokens at the registry's door; the realm is the token service on the host the client reached. */
    @Bean
    @ConditionalOnMissingBean(dev.wharf.servlet.auth.Authenticator.class)
    public BearerAuthenticator wharfAuthenticator(TokenIssuer issuer, WharfProperties properties,
                                                  Environment environment) {
        String context = environment.getProperty("server.servlet.context-path", "");
        return BearerAuthenticator.builder(issuer.verifier())
                .realmPath(context + properties.getSecurity().getTokenPath()).build();
    }

    /** The token service. */
    @Bean
    @ConditionalOnMissingBean(name = "wharfTokenServlet")
    public ServletRegistrationBean<TokenServlet> wharfTokenServlet(TokenIssuer issuer, WharfProperties properties,
                                                                   Authorizer authorizer,
                                                                   ObjectProvider<UserDetailsService> users,
                                                                   ObjectProvider<PasswordEncoder> encoders) {
        UserDetailsService userDetails = users.getIfUnique(() -> {
            throw new IllegalStateException("wharf.security.token-auth needs the application's users: one"
                    + " UserDetailsService bean (spring.security.user.* makes one), or your own TokenServlet bean"
                    + " named wharfTokenServlet");
        });
        PasswordEncoder encoder = encoders.getIfUnique(PasswordEncoderFactories::createDelegatingPasswordEncoder);
        boolean anonymousTokens = !(authorizer instanceof SpringSecurityAuthorizer spring)
                || spring.admitsAnonymousPull();
        TokenServlet tokens = new TokenServlet(issuer, passwords(userDetails, encoder),
                asUsers(authorizer, userDetails), new dev.wharf.servlet.auth.LoginThrottle(), anonymousTokens);
        ServletRegistrationBean<TokenServlet> bean = new ServletRegistrationBean<>(tokens,
                properties.getSecurity().getTokenPath());
        bean.setName("wharfTokenService");
        return bean;
    }

    /** A password is right when the user exists, may log in, and the encoder matches it. */
    static PasswordVerifier passwords(UserDetailsService users, PasswordEncoder encoder) {
        return (user, password) -> {
            UserDetails details;
            try {
                details = users.loadUserByUsername(user);
            } catch (UsernameNotFoundException e) {
                return false;
            }
            return details.isEnabled() && details.isAccountNonExpired() && details.isAccountNonLocked()
                    && details.isCredentialsNonExpired() && encoder.matches(new String(password), details.getPassword());
        };
    }

    /**
     * The authorizer, asked for a user the token service has just checked: the caller becomes that user's Spring
     * {@code Authentication}, with the authorities the rules name.
     */
    static Authorizer asUsers(Authorizer authorizer, UserDetailsService users) {
        return (caller, action, repository) -> {
            Optional<java.security.Principal> principal = caller.principal();
            if (principal.isPresent() && principal.get() instanceof BasicAuthenticator.UserPrincipal user) {
                UserDetails details;
                try {
                    details = users.loadUserByUsername(user.name());
                } catch (UsernameNotFoundException gone) { // removed since its password was checked
                    return false;
                }
                caller = Caller.of(UsernamePasswordAuthenticationToken.authenticated(details.getUsername(), null,
                        details.getAuthorities()));
            }
            return authorizer.permits(caller, action, repository);
        };
    }

    /**
     * The chain for the registry's path and the token service's: stateless, without CSRF, form login or Basic;
     * the registry's door and the token service check credentials themselves.
     */
    static SecurityFilterChain filterChain(HttpSecurity http, RegistryPaths paths, String tokenPath) throws Exception {
        http.securityMatcher(request -> paths.matches(request) || tokenPath.equals(RegistryPaths.local(request)))
                .csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll());
        return http.build();
    }
}
