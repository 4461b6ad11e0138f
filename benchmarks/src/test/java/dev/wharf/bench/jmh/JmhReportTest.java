package dev.wharf.bench.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JmhReportTest {

    private static String row(String method, String params, double score, String unit) {
        return "{\"benchmark\":\"dev.wharf.bench.jmh." + method + "\",\"mode\":\"avgt\",\"params\":{" + params
                + "},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":0.1,\"scoreUnit\":\"" + unit + "\"}}";
    }

    @Test
    void shouldComputeScalingAndFacadeRatiosWhenBothSizesAndStoresRan() throws Exception {
        String json = "[" + String.join(",",
                row("MetadataBenchmark.tagsPage", "\"size\":\"1000\",\"store\":\"rocksdb\"", 10, "us/op"),
                row("MetadataBenchmark.tagsPage", "\"size\":\"100000\",\"store\":\"rocksdb\"", 20, "us/op"),
                row("MetadataBenchmark.registryManifestByTag", "\"size\":\"1000\",\"store\":\"memory\"", 1.0, "us/op"),
                row("MetadataBenchmark.registryManifestByTag", "\"size\":\"1000\",\"store\":\"rocksdb\"", 1.1, "us/op"),
                row("MetadataBenchmark.registryManifestByTag", "\"size\":\"100000\",\"store\":\"memory\"", 1.0, "us/op"),
                row("MetadataBenchmark.registryManifestByTag", "\"size\":\"100000\",\"store\":\"rocksdb\"", 2.0, "us/op"),
                row("DigestBenchmark.plainMessageDigest", "\"size\":\"1048576\"", 2.0, "ms/op"),
                row("DigestBenchmark.enginePushBlob", "\"size\":\"1048576\"", 2.5, "ms/op"),
                row("ManifestParseBenchmark.imageManifest", "", 3.0, "us/op")) + "]";
        List<JmhResult> results = JmhResult.parse(new ObjectMapper().readTree(json));

        assertThat(results).hasSize(9);
        assertThat(results.get(0).className()).isEqualTo("MetadataBenchmark");
        assertThat(results.get(0).benchmark()).isEqualTo("tagsPage");

        String md = JmhReport.render(results);
        assertThat(md).contains("| tagsPage | rocksdb | 10.0 | 20.0 | 2.00 | **no** |")
                .contains("| registryManifestByTag | rocksdb | 1.10 | 2.00 | 1.82 | (point lookup: report) |")
                .contains("| 1000 | 1.00 | 1.10 | 0.909 | yes |")
                .contains("| 100000 | 1.00 | 2.00 | 0.500 | **no** |")
                .contains("| 1048576 | plainMessageDigest | 500 | 1.00 |")
                .contains("| 1048576 | enginePushBlob | 400 | 0.800 |")
                .contains("ManifestParseBenchmark.imageManifest");
    }

    @Test
    void shouldCompareEachSearchShapeAtTheLargestSizeWithTheSmallest() throws Exception {
        String json = "[" + String.join(",",
                row("SearchBenchmark.newestPushed", "\"size\":\"1000\"", 40, "us/op"),
                row("SearchBenchmark.newestPushed", "\"size\":\"100000\"", 45, "us/op"),
                row("SearchBenchmark.newestPushed", "\"size\":\"1000000\"", 50, "us/op"),
                row("SearchBenchmark.repositoryTags", "\"size\":\"1000\"", 40, "us/op"),
                row("SearchBenchmark.repositoryTags", "\"size\":\"1000000\"", 80, "us/op")) + "]";
        String md = JmhReport.render(JmhResult.parse(new ObjectMapper().readTree(json)));
        assertThat(md).contains("one page (n=100) at 1000000 manifests vs 1000")
                .contains("| newestPushed | 40.0 | 45.0 | 50.0 | 1.25 | yes |")
                .contains("| repositoryTags | 40.0 |  | 80.0 | 2.00 | **no** |");
    }
}
