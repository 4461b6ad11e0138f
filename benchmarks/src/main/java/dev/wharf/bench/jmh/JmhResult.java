package dev.wharf.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One row of a JMH JSON result file ({@code -rf json}).
 *
 * @param benchmark  the method, without its class ({@code tagsPage})
 * @param className  the simple class name ({@code MetadataBenchmark})
 * @param params     the {@code @Param} values, by name
 * @param score      the primary metric's score
 * @param error      its 99.9% confidence half-width ({@code NaN} when JMH could not compute one)
 * @param unit       the score unit ({@code us/op})
 */
public record JmhResult(String benchmark, String className, Map<String, String> params, double score, double error,
                        String unit) {
    public JmhResult {
        params = Map.copyOf(params);
    }

    /** A parameter's value, if the benchmark has it. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** Reads every row of a JMH JSON result file. */
    public static List<JmhResult> read(Path file) throws IOException {
        return parse(new ObjectMapper().readTree(file.toFile()));
    }

    /** Reads rows from an already parsed JMH JSON document (an array). */
    public static List<JmhResult> parse(JsonNode root) {
        if (!root.isArray()) {
            throw new IllegalArgumentException("not a JMH JSON result: expected an array");
        }
        List<JmhResult> out = new ArrayList<>();
        for (JsonNode row : root) {
            String full = row.path("benchmark").asText();
            int dot = full.lastIndexOf('.');
            String klass = full.substring(0, Math.max(dot, 0));
            klass = klass.substring(klass.lastIndexOf('.') + 1);
            Map<String, String> params = new TreeMap<>();
            row.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
            JsonNode metric = row.path("primaryMetric");
            double error = metric.path("scoreError").isNumber() ? metric.path("scoreError").asDouble() : Double.NaN;
            out.add(new JmhResult(full.substring(dot + 1), klass, params, metric.path("score").asDouble(), error,
                    metric.path("scoreUnit").asText()));
        }
        return out;
    }
}
