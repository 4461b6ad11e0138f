package dev.wharf.servlet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Manifest content negotiation: may a manifest stored as one type be served to these Accept headers. */
class AcceptHeaderTest {
    private static final String OCI = "application/vnd.oci.image.manifest.v1+json";
    private static final String INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER = "application/vnd.docker.distribution.manifest.v2+json";

    @ParameterizedTest(name = "[{0}] accepts {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                                                                   | OCI    | true
            application/vnd.oci.image.manifest.v1+json                           | OCI    | true
            APPLICATION/VND.OCI.IMAGE.MANIFEST.V1+JSON                           | OCI    | true
            application/vnd.oci.image.manifest.v1+json; q=0.5                    | OCI    | true
            application/vnd.docker.distribution.manifest.v2+json                 | OCI    | false
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json' | INDEX | true
            application/vnd.docker.distribution.manifest.v2+json ;; application/vnd.oci.image.manifest.v1+json | OCI | true
            application/vnd.docker.distribution.manifest.v2+json ;; application/vnd.oci.image.index.v1+json | OCI | false
            */*                                                                  | DOCKER | true
            application/*                                                        | INDEX  | true
            application/json                                                     | OCI    | true
            'text/plain, */*;q=0.1'                                              | OCI    | true
            ' , '                                                                | OCI    | true
            """)
    void shouldAcceptStoredTypeWhenAnyAcceptHeaderNamesItOrAWildcard(String headers, String stored, boolean expected) {
        List<String> values = Arrays.asList(headers.split(";;"));

        assertThat(AcceptHeader.parse(values).accepts(type(stored))).isEqualTo(expected);
    }

    private static String type(String name) {
        return switch (name) {
            case "OCI" -> OCI;
            case "INDEX" -> INDEX;
            case "DOCKER" -> DOCKER;
            default -> throw new IllegalArgumentException(name);
        };
    }
}
