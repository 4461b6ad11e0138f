package dev.wharf.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The envelope a container's own refusals are written in, and the code each status gets. */
class ErrorEnvelopeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | UNSUPPORTED
            401 | UNAUTHORIZED
            403 | DENIED
            404 | UNSUPPORTED
            405 | UNSUPPORTED
            412 | PRECONDITION_FAILED
            414 | UNSUPPORTED
            416 | RANGE_INVALID
            429 | TOOMANYREQUESTS
            431 | UNSUPPORTED
            500 | UNKNOWN
            501 | UNSUPPORTED
            503 | UNKNOWN
            505 | UNSUPPORTED
            """)
    void shouldChooseTheCatalogueCodeWhenOnlyTheStatusIsKnown(int status, String code) throws IOException {
        JsonNode error = only(ErrorEnvelope.forStatus(status, "reason \"quoted\""));

        assertThat(ErrorEnvelope.codeForStatus(status)).isEqualTo(code);
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.has("detail")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            400 | Ambiguous URI empty segment | Ambiguous URI empty segment
            431 | ''                          | request refused with HTTP status 431
            500 | java.lang.NullPointerException: at Secret.class | internal error
            503 | Unavailable                 | internal error
            """)
    void shouldKeepTheReasonUnlessItIsEmptyOrAServerFault(int status, String reason, String message)
            throws IOException {
        assertThat(only(ErrorEnvelope.forStatus(status, reason)).path("message").asText()).isEqualTo(message);
    }

    private static JsonNode only(byte[] envelope) throws IOException {
        JsonNode errors = MAPPER.readTree(envelope).path("errors");
        assertThat(errors.isArray()).isTrue();
        assertThat(errors).hasSize(1);
        return errors.get(0);
    }
}
