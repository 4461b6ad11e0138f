package dev.wharf.servlet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The routed path comes from the raw URI, so a container's normalisation cannot change a repository name. */
class RequestPathTest {

    @ParameterizedTest(name = "{0} (context {1}, servlet {2}, pathInfo {3}) -> {4}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            /v2/a/b/manifests/x          | ''     | /v2 | /a/b/manifests/x | /a/b/manifests/x
            /v2/a//b/manifests/x         | ''     | /v2 | /a/b/manifests/x | /a//b/manifests/x
            /v2//a/tags/list             | ''     | /v2 | /a/tags/list     | //a/tags/list
            /v2/a/../b/tags/list         | ''     | /v2 | /b/tags/list     | /a/../b/tags/list
            /v2/foo%20bar/tags/list      | ''     | /v2 | /foo bar/tags/list | /foo bar/tags/list
            /v2/a/manifests/t%C3%A4g     | ''     | /v2 | /a/manifests/täg | /a/manifests/täg
            /v2/a/manifests/a+b          | ''     | /v2 | /a/manifests/a+b | /a/manifests/a+b
            /reg/v2/a/tags/list          | /reg   | /v2 | /a/tags/list     | /a/tags/list
            /v2/                         | ''     | /v2 | /                | /
            /v2                          | ''     | /v2 | NULL             | NULL
            /v2/a/%zz/tags/list          | ''     | /v2 | /a/x/tags/list   | /a/x/tags/list
            //v2/a/tags/list             | ''     | /v2 | /a/tags/list     | /a/tags/list
            /v2x/a                       | ''     | /v2 | /a               | /a
            """)
    void shouldRouteTheRawDecodedPathWhenItMatchesTheMapping(String uri, String context, String servlet,
                                                             String pathInfo, String expected) {
        assertThat(RequestPath.of(uri, context, servlet, pathInfo)).isEqualTo(expected);
    }
}
