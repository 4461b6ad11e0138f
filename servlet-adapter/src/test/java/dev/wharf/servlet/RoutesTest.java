package dev.wharf.servlet;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The route table, matched from the end of the path: names may contain any endpoint keyword. */
class RoutesTest {

    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            GET    | NULL                                   | BASE                | ''
            GET    | /                                      | BASE                | ''
            GET    | /_catalog                              | CATALOG             | ''
            GET    | /_oci/ext/discover                     | DISCOVER            | ''
            GET    | /a/b/_oci/ext/discover                 | REPOSITORY_DISCOVER | name=a/b
            POST   | /a/blobs/uploads/                      | UPLOAD_START        | name=a
            POST   | /a/blobs/uploads                       | UPLOAD_START        | name=a
            GET    | /a/blobs/uploads/abc-123               | UPLOAD_STATUS       | name=a,id=abc-123
            PATCH  | /a/blobs/uploads/abc                   | UPLOAD_CHUNK        | name=a,id=abc
            PUT    | /a/blobs/uploads/abc                   | UPLOAD_COMPLETE     | name=a,id=abc
            DELETE | /a/blobs/uploads/abc                   | UPLOAD_CANCEL       | name=a,id=abc
            GET    | /a/blobs/sha256:00                     | BLOB_READ           | name=a,digest=sha256:00
            HEAD   | /a/blobs/sha256:00                     | BLOB_READ           | name=a,digest=sha256:00
            DELETE | /a/blobs/sha256:00                     | BLOB_DELETE         | name=a,digest=sha256:00
            GET    | /team/app/manifests/latest             | MANIFEST_READ       | name=team/app,reference=latest
            PUT    | /team/app/manifests/latest             | MANIFEST_PUT        | name=team/app,reference=latest
            DELETE | /team/app/manifests/latest             | MANIFEST_DELETE     | name=team/app,reference=latest
            GET    | /team/app/tags/list                    | TAGS_LIST           | name=team/app
            HEAD   | /team/app/tags/list                    | TAGS_LIST           | name=team/app
            GET    | /team/app/referrers/sha256:00          | REFERRERS           | name=team/app,digest=sha256:00
            GET    | /blobs/manifests/blobs/sha256:00       | BLOB_READ           | name=blobs/manifests,digest=sha256:00
            GET    | /x/blobs/uploads/manifests/v1          | MANIFEST_READ       | name=x/blobs/uploads,reference=v1
            POST   | /a/blobs/blobs/uploads/                | UPLOAD_START        | name=a/blobs
            GET    | /tags/list/tags/list                   | TAGS_LIST           | name=tags/list
            GET    | /a/referrers/manifests/sha256:00       | MANIFEST_READ       | name=a/referrers,reference=sha256:00
            GET    | /Upper/blobs/sha256:00                 | BLOB_READ           | name=Upper,digest=sha256:00
            """)
    void shouldFindEndpointWhenPathEndsWithItsSuffix(String method, String path, Endpoint endpoint, String params) {
        Routes.Result result = Routes.STANDARD.match(method, path);

        assertThat(result).isInstanceOf(Routes.Found.class);
        Routes.Found found = (Routes.Found) result;
        assertThat(found.endpoint()).isEqualTo(endpoint);
        assertThat(found.params()).isEqualTo(params(params));
    }

    @ParameterizedTest(name = "{0} {1} -> 405, Allow {2}")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /a/blobs/sha256:00       | GET HEAD DELETE
            PATCH  | /a/manifests/latest      | GET HEAD PUT DELETE
            DELETE | /a/tags/list             | GET HEAD
            GET    | /a/blobs/uploads/        | POST
            PUT    | /_catalog                | GET HEAD
            """)
    void shouldRefuseMethodWhenPathIsKnownButMethodIsNot(String method, String path, String allowed) {
        Routes.Result result = Routes.STANDARD.match(method, path);

        assertThat(result).isInstanceOf(Routes.MethodNotAllowed.class);
        assertThat(((Routes.MethodNotAllowed) result).allowed())
                .containsExactlyInAnyOrder(allowed.split(" "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            /a
            /a/blobs
            /a/blobs/
            /a/tags
            /a/tags/list/x
            /a/manifests/
            /blobs/sha256:00
            /_catalog/x
            /a/blobs/uploads/id/extra
            """)
    void shouldNotFindEndpointWhenPathMatchesNoRoute(String path) {
        assertThat(Routes.STANDARD.match("GET", path)).isInstanceOf(Routes.NotFound.class);
    }

    private static Map<String, String> params(String spec) {
        Map<String, String> params = new LinkedHashMap<>();
        if (!spec.isEmpty()) {
            Arrays.stream(spec.split(",")).map(kv -> kv.split("=", 2))
                    .forEach(kv -> params.put(kv[0], kv[1]));
        }
        return params;
    }
}
