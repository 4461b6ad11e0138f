package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Query strings parsed by hand, and the paging parameters read from them. */
class QueryParamsTest {

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            plain                                     | plain
            sha256%3Aabc                              | sha256:abc
            application%2Fvnd.x%2Bjson                | application/vnd.x+json
            application/vnd.x+json                    | application/vnd.x+json
            team%2Fapp                                | team/app
            caf%C3%A9                                 | café
            100%                                      | 100%
            %zz%4                                     | %zz%4
            """)
    void shouldPercentDecodeWithoutTurningPlusIntoSpaceWhenDecoding(String raw, String decoded) {
        assertThat(QueryParams.decode(raw)).isEqualTo(decoded);
    }

    @Test
    void shouldKeepEveryValueInOrderWhenParameterRepeats() {
        QueryParams query = QueryParams.parse("tag=1.2.3&digest=sha256%3Aab&tag=latest&&flag");

        assertThat(query.all("tag")).containsExactly("1.2.3", "latest");
        assertThat(query.first("digest")).contains("sha256:ab");
        assertThat(query.first("flag")).contains("");
        assertThat(query.first("missing")).isEmpty();
        assertThat(query.all("missing")).isEmpty();
    }

    @Test
    void shouldHaveNoParametersWhenQueryIsAbsent() {
        assertThat(QueryParams.parse(null).first("n")).isEmpty();
    }

    @ParameterizedTest(name = "n={0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0                  | 0
            1                  | 1
            007                | 7
            1000               | 1000
            1001               | 1000
            99999999999999999  | 1000
            """)
    void shouldCapPageSizeWhenNIsLargerThanTheMaximum(String n, int expected) {
        assertThat(Pagination.from(QueryParams.parse("n=" + n), 100, 1000).n()).isEqualTo(expected);
    }

    @Test
    void shouldUseDefaultPageSizeWhenNIsAbsent() {
        Pagination page = Pagination.from(QueryParams.parse("last=b"), 100, 1000);

        assertThat(page.n()).isEqualTo(100);
        assertThat(page.last()).contains("b");
    }

    @ParameterizedTest(name = "n=''{0}'' -> 400")
    @ValueSource(strings = {"", "-1", "abc", "1.5", "+3", "0x10"})
    void shouldRefusePageSizeWhenNIsNotANonNegativeInteger(String n) {
        RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> Pagination.from(QueryParams.parse("n=" + n), 100, 1000));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PAGINATION_NUMBER_INVALID);
    }

    @Test
    void shouldEncodeLastWhenBuildingNextLink() {
        Pagination page = new Pagination(2, java.util.Optional.empty());

        assertThat(page.nextLink("/v2/_catalog", "team/app"))
                .isEqualTo("</v2/_catalog?n=2&last=team%2Fapp>; rel=\"next\"");
    }
}
