package dev.wharf.spring.boot.security;

import dev.wharf.api.ErrorCode;
import dev.wharf.servlet.ErrorEnvelope;
import dev.wharf.spi.Authorizer;
import dev.wharf.spring.boot.RegistryErrorFilter;
import dev.wharf.spring.boot.RegistryPaths;
import dev.wharf.spring.boot.WharfAutoConfiguration;
import dev.wharf.spring.boot.WharfProperties;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

/**
 * Spring Security for the registry's path, as registry clients need it: a filter chain matched on that path by a
 * plain request matcher (not an MVC matcher, which never matches another servlet), stateless, without CSRF, form
 * login or redirects; HTTP Basic against the application's users, refusals and challenges in the spec's envelope
 * with {@code WWW-Authenticate: Basic realm="wharf"}; {@code GET /v2/} challenging anonymous callers (they may never
 * push), so that {@code docker login} checks credentials; and {@code Basic Og==} taken as anonymous. What each caller
 * may then do is the registry's {@link SpringSecurityAuthorizer}'s to decide. An application's own
 * {@code wharfSecurityFilterChain} or {@link Authorizer} bean replaces the starter's.
 */
@AutoConfiguration(after = {SecurityAutoConfiguration.class, WharfAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SecurityFilterChain.class, HttpSecurity.class})
@ConditionalOnProperty(prefix = "wharf.security", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(WharfProperties.class)
@org.springframework.context.annotation.Import(WharfTokenFlow.class)
public class WharfSecurityAutoConfiguration {
    /** The challenge every 401 on the registry's path carries. */
    public static final String CHALLENGE = "Basic realm=\"wharf\"";

    /** What callers may do, from {@code wharf.security.*}. */
    @Bean
    @ConditionalOnMissingBean(Authorizer.class)
    public SpringSecurityAuthorizer wharfAuthorizer(WharfProperties properties) {
        return new SpringSecurityAuthorizer(properties.getSecurity());
    }

    /**
     * Answers the requests Spring Security's firewall rejects before any chain runs: on the registry's path in the
     * spec's envelope (an empty path segment, as in {@code /v2/a//b/...}, is a repository name the grammar refuses:
     * {@code 400 NAME_INVALID}, as the registry answers it without Spring Security), elsewhere as Spring Security
     * would, with 400.
     */
    @Bean
    @ConditionalOnMissingBean(org.springframework.security.web.firewall.RequestRejectedHandler.class)
    public org.springframework.security.web.firewall.RequestRejectedHandler wharfRequestRejectedHandler(
            WharfProperties properties) {
        RegistryPaths paths = new RegistryPaths(properties.getPath());
        return (request, response, rejected) -> {
            if (!paths.matches(request)) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST);
                return;
            }
            if (RegistryPaths.local(request).contains("//")) {
                RegistryErrorFilter.envelope(response, HttpServletResponse.SC_BAD_REQUEST, ErrorEnvelope.of(
                        ErrorCode.NAME_INVALID, "invalid repository name: the path has an empty segment (//), which"
                                + " no repository name has"));
            } else {
                RegistryErrorFilter.envelope(response, HttpServletResponse.SC_BAD_REQUEST, "the request was refused: "
                        + rejected.getMessage());
            }
        };
    }

    /** The registry path's filter chain, ahead of the application's own chains. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 10)
    @ConditionalOnMissingBean(name = "wharfSecurityFilterChain")
    public SecurityFilterChain wharfSecurityFilterChain(HttpSecurity http, WharfProperties properties)
            throws Exception {
        RegistryPaths paths = new RegistryPaths(properties.getPath());
        if (properties.getSecurity().isTokenAuth()) {
            return WharfTokenFlow.filterChain(http, paths, properties.getSecurity().getTokenPath());
        }
        AuthenticationEntryPoint challenge = (request, response, failure) -> {
            response.setHeader("WWW-Authenticate", CHALLENGE);
            RegistryErrorFilter.envelope(response, HttpServletResponse.SC_UNAUTHORIZED,
                    request.getHeader("Authorization") == null ? "authentication required"
                            : "authentication failed: the user name or password is wrong");
        };
        http.securityMatcher(paths::matches)
                .csrf(csrf -> csrf.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.realmName("wharf").authenticationEntryPoint(challenge))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(challenge)
                        .accessDeniedHandler((request, response, denied) -> RegistryErrorFilter.envelope(response,
                                HttpServletResponse.SC_FORBIDDEN, "access denied")))
                .addFilterBefore(new EmptyBasicCredentialsFilter(), BasicAuthenticationFilter.class)
                .authorizeHttpRequests(requests -> {
                    if (properties.getSecurity().isChallengeAnonymousBase()) {
                        requests.requestMatchers(paths::isBase).authenticated();
                    }
                    requests.anyRequest().permitAll();
                });
        return http.build();
    }
}
