/** Spring Security for the registry's path, and the registry's authorizer over Spring Security's authentication. */
package dev.wharf.spring.boot.security;
