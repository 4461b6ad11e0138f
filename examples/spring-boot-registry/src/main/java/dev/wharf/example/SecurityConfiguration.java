package dev.wharf.example;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application's own security, for everything but the registry (whose chain the starter adds ahead of this
 * one): {@code /hello} is open to everyone, anything else needs a login.
 */
@Configuration
class SecurityConfiguration {

    @Bean
    SecurityFilterChain application(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(requests -> requests.requestMatchers("/hello").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(basic -> { })
                .build();
    }
}
