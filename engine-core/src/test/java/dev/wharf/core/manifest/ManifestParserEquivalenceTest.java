package dev.wharf.core.manifest;

import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.MediaTypes;
import dev.wharf.spi.ManifestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming {@link ManifestParser} against the tree parser it replaced ({@link TreeManifestParser}): on a
 * corpus of valid and invalid manifests, and on thousands of generated and mutated ones, both must give the same
 * record or refuse with the same message. The one allowed difference is the wording after "manifest is not valid
 * JSON: ", which comes from different layers of Jackson (trailing data is found by the reader here and by the
 * data binder there).
 */
class ManifestParserEquivalenceTest {
    static final String A = "sha256:" + "a".repeat(64);
    static final String B = "sha256:" + "b".repeat(64);
    static final String C = "sha256:" + "c".repeat(64);
    static final String S512 = "sha512:" + "d".repeat(128);
    static final String NOT_JSON = "manifest is not valid JSON";
    private static final String[] CONTENT_TYPES = {null, "", MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
            MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.OCI_MANIFEST + "; charset=utf-8",
            "application/json", "application/vnd.example+json", MediaTypes.DOCKER_SCHEMA1_SIGNED};

    /** What a parser made of a document: the record, or the refusal's message. */
    record Outcome(ManifestRecord record, String refusal) {
        static Outcome of(Parser parser, String contentType, byte[] bytes) {
            Digest digest = DigestAlgorithm.SHA256.digest(bytes);
            try {
                return new Outcome(parser.parse(digest, contentType, bytes), null);
            } catch (ManifestParser.InvalidManifestException e) {
                return new Outcome(null, e.getMessage());
            }
        }
    }

    interface Parser {
        ManifestRecord parse(Digest digest, String contentType, byte[] bytes);
    }

    static void assertSameOutcome(String contentType, byte[] bytes) {
        Outcome tree = Outcome.of(TreeManifestParser::parse, contentType, bytes);
        Outcome streaming = Outcome.of(ManifestParser::parse, contentType, bytes);
        String what = "Content-Type " + contentType + ", document " + new String(bytes, StandardCharsets.UTF_8);
        if (tree.refusal() != null && tree.refusal().startsWith(NOT_JSON)) {
            assertThat(streaming.refusal()).as(what).startsWith(NOT_JSON);
            return;
        }
        assertThat(streaming.refusal()).as(what).isEqualTo(tree.refusal());
        assertThat(streaming.record()).as(what).isEqualTo(tree.record());
        if (tree.record() != null) { // equals() of Manifest leaves the bytes out
            assertThat(streaming.record().manifest().bytes()).as(what).isSameAs(bytes);
        }
    }

    static String descriptor(String mediaType, String digest, String size) {
        return "{\"mediaType\":" + mediaType + ",\"digest\":" + digest + ",\"size\":" + size + "}";
    }

    static String q(String s) {
        return "\"" + s + "\"";
    }

    static String image(String mediaType, String fields) {
        return "{\"schemaVersion\":2" + (mediaType == null ? "" : ",\"mediaType\":" + q(mediaType))
                + ",\"config\":" + descriptor(q(MediaTypes.OCI_CONFIG), q(A), "7")
                + ",\"layers\":[" + descriptor(q(MediaTypes.OCI_LAYER_TAR_GZIP), q(B), "3") + "]" + fields + "}";
    }

    static String index(String mediaType, String fields) {
        return "{\"schemaVersion\":2" + (mediaType == null ? "" : ",\"mediaType\":" + q(mediaType))
                + ",\"manifests\":[" + descriptor(q(MediaTypes.OCI_MANIFEST), q(A), "5").replace("}",
                ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}") + "]" + fields + "}";
    }

    /** Documents every parser must handle alike, valid ones first. */
    static Stream<String> corpus() {
        String oci = MediaTypes.OCI_MANIFEST;
        List<String> docs = new ArrayList<>(List.of(
                image(oci, ""),
                image(null, ""),
                image(MediaTypes.DOCKER_MANIFEST, ""),
                image(oci, ",\"artifactType\":\"application/vnd.example+json\""),
                image(oci, ",\"artifactType\":\"\""),
                image(oci, ",\"artifactType\":null"),
                image(oci, ",\"subject\":" + descriptor(q(oci), q(C), "9")),
                image(oci, ",\"subject\":null"),
                image(oci, ",\"annotations\":{\"k\":\"v\",\"ü\":\"\\u00e9\\n\"}"),
                image(oci, ",\"annotations\":null"),
                image(oci, ",\"annotations\":{}"),
                image(oci, ",\"unknown\":{\"deep\":[1,2,{\"x\":[true,false,null,1.5e300]}]}"),
                image(oci, ",\"manifests\":[]"),
                index(MediaTypes.OCI_INDEX, ""),
                index(null, ""),
                index(MediaTypes.DOCKER_MANIFEST_LIST, ""),
                index(MediaTypes.OCI_INDEX, ",\"subject\":" + descriptor(q(oci), q(C), "9")),
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}",
                "{\"layers\":[" + descriptor(q("x"), q(B), "0") + "],\"config\":" + descriptor(q("c"), q(A), "1")
                        + ",\"mediaType\":\"" + oci + "\",\"schemaVersion\":2}",
                "\n\t {\n \"schemaVersion\" : 2 ,\n \"config\" : " + descriptor(q("c"), q(S512), "0")
                        + " , \"layers\" : [ ] }\n\n",
                "\uFEFF" + image(oci, ""),
                image(oci, "").replace("\"size\":3", "\"size\":9223372036854775807"),
                image(oci, "").replace("\"size\":3", "\"size\":18446744073709551616"),
                image(oci, "").replace("\"size\":3", "\"size\":9223372036854775808"),
                image(oci, "").replace("\"size\":3", "\"size\":3.0"),
                image(oci, "").replace("\"size\":3", "\"size\":\"3\""),
                image(oci, "").replace("\"size\":3", "\"size\":-1"),
                image(oci, "").replace("\"size\":3", "\"size\":null"),
                image(oci, "").replace(",\"size\":3", ""),
                image(oci, "").replace("\"size\":3", "\"size\":3,\"urls\":[\"https://example.invalid/l\"]"),
                image(oci, "").replace("\"size\":3", "\"size\":3,\"urls\":[]"),
                image(oci, "").replace("\"size\":3", "\"size\":3,\"urls\":[[],{}]"),
                image(oci, "").replace("\"size\":3", "\"size\":3,\"urls\":\"x\""),
                image(oci, "").replace("\"size\":3", "\"size\":3,\"urls\":null"),
                image(oci, "").replace(B, "sha256:xyz"),
                image(oci, "").replace(B, B.toUpperCase()),
                image(oci, "").replace(B, "sha384:" + "b".repeat(96)),
                image(oci, "").replace(q(B), "7"),
                image(oci, "").replace(q(B), "null"),
                image(oci, "").replace(",\"digest\":" + q(B), ""),
                image(oci, "").replace(q(MediaTypes.OCI_LAYER_TAR_GZIP), "\"\""),
                image(oci, "").replace(q(MediaTypes.OCI_LAYER_TAR_GZIP), "1"),
                image(oci, "").replace(q(MediaTypes.OCI_LAYER_TAR_GZIP), "null"),
                image(oci, "").replace("\"layers\":[", "\"layers\":[1,"),
                image(oci, "").replace("\"layers\":[", "\"layers\":[null,"),
                image(oci, "").replace("\"layers\":[", "\"layers\":[[],"),
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":{},\"layers\":{}}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":null,\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":[],\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":\"x\",\"layers\":[]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":" + descriptor(q("c"), q(A), "1") + "}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + oci + "\",\"config\":" + descriptor(q("c"), q(A), "1")
                        + ",\"layers\":null}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":{}}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":null}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\"}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[\"x\"]}",
                "{\"schemaVersion\":2,\"manifests\":null,\"config\":null}",
                "{\"schemaVersion\":2,\"config\":null}",
                "{\"schemaVersion\":2}",
                "{\"schemaVersion\":1,\"name\":\"x\",\"fsLayers\":[]}",
                "{}",
                image(oci, ",\"subject\":\"x\""),
                image(oci, ",\"subject\":[]"),
                image(oci, ",\"subject\":{}"),
                image(oci, ",\"subject\":" + descriptor(q(oci), q("sha256:1"), "9")),
                image(oci, ",\"annotations\":[]"),
                image(oci, ",\"annotations\":\"x\""),
                image(oci, ",\"annotations\":{\"a\":1}"),
                image(oci, ",\"annotations\":{\"a\":\"x\",\"b\":null,\"c\":2}"),
                image(oci, ",\"annotations\":{\"a\":{\"b\":\"c\"}}"),
                image(oci, ",\"artifactType\":7"),
                image(oci, ",\"artifactType\":{}"),
                image(oci, ",\"artifactType\":7,\"subject\":\"x\",\"annotations\":[]"),
                image(oci, ",\"subject\":\"x\",\"annotations\":[]"),
                image(oci, "").replace("\"mediaType\":\"" + oci + "\"", "\"mediaType\":null"),
                image(oci, "").replace("\"mediaType\":\"" + oci + "\"", "\"mediaType\":1"),
                image(oci, "").replace("\"mediaType\":\"" + oci + "\"", "\"mediaType\":\"\""),
                image(oci, "").replace("\"mediaType\":\"" + oci + "\"", "\"mediaType\":\"text/plain\""),
                image(oci, "").replace("\"mediaType\":\"" + oci + "\"", "\"mediaType\":\""
                        + MediaTypes.DOCKER_SCHEMA1 + "\""),
                image(oci, ",\"x\":1,\"x\":2"),
                image(oci, ",\"x\":{\"y\":1,\"y\":2}"),
                image(oci, ",\"annotations\":{\"a\":\"1\",\"a\":\"2\"}"),
                image(oci, "") + "{}",
                image(oci, "") + " x",
                image(oci, "") + " ",
                image(oci, "") + "\n\n",
                image(oci, "").substring(0, 40),
                image(oci, ",\"x\":NaN"),
                image(oci, ",\"x\":'single'"),
                image(oci, ",/* comment */\"x\":1"),
                image(oci, ",\"x\":01"),
                image(oci, ",\"x\":" + "9".repeat(1200)),
                image(oci, ",\"x\":" + "[".repeat(1200) + "]".repeat(1200)),
                image(oci, ",\"x\":" + "[".repeat(900) + "]".repeat(900)),
                image(oci, ",\"x\":\"\u0001\""),
                "", " ", "null", "[]", "[1,2]", "\"manifest\"", "42", "true", "[] []", "{} {}", "{", "}", "{\"a\"}",
                "{\"a\":}", "{\"a\":1,}", "{,}"));
        for (String version : List.of("1", "\"1\"", "\" 1\"", "\"1.0\"", "true", "false", "null", "1.0", "1.9", "2.0",
                "2", "\"2\"", "3", "0", "-1", "4294967297", "4294967298", "18446744073709551617", "[]", "{}", "[1]",
                "\"abc\"", "1e0", "2e0", "2147483649")) {
            docs.add(image(null, "").replace("\"schemaVersion\":2", "\"schemaVersion\":" + version));
            docs.add(image(null, "").replace("\"schemaVersion\":2,", ""));
            docs.add(index(MediaTypes.OCI_INDEX, "").replace("\"schemaVersion\":2", "\"schemaVersion\":" + version));
        }
        return docs.stream();
    }

    static Stream<Arguments> corpusWithContentTypes() {
        return corpus().flatMap(doc -> Stream.of(CONTENT_TYPES).map(type -> Arguments.of(type, doc)));
    }

    @ParameterizedTest
    @MethodSource("corpusWithContentTypes")
    void shouldAgreeWithTheTreeParserOnTheCorpus(String contentType, String document) {
        assertSameOutcome(contentType, document.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldAgreeOnInvalidUtf8() {
        byte[] valid = image(MediaTypes.OCI_MANIFEST, ",\"annotations\":{\"k\":\"vv\"},\"x\":\"yy\"")
                .getBytes(StandardCharsets.UTF_8);
        String text = new String(valid, StandardCharsets.ISO_8859_1);
        int[] places = {text.indexOf("vv"), text.indexOf("yy")};
        byte[][] bad = {{(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xc3, 0x28}, {(byte) 0xe2, (byte) 0x82},
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                {(byte) 0xc0, (byte) 0xaf}, {(byte) 0x80}};
        for (int place : places) {
            for (byte[] b : bad) {
                for (String type : CONTENT_TYPES) {
                    byte[] doc = valid.clone();
                    System.arraycopy(b, 0, doc, place, b.length);
                    assertSameOutcome(type, doc);
                }
            }
        }
    }

    /**
     * Random documents built from the fields the parser reads, each given a value of a random JSON type (right,
     * wrong, absent, nested), in random order: every rule and every order of faults gets exercised.
     */
    @Test
    void shouldAgreeOnGeneratedDocuments() {
        Random random = new Random(20261130L);
        for (int i = 0; i < 10_000; i++) {
            String doc = Generator.document(random);
            assertSameOutcome(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)], doc.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Valid manifests with bytes deleted, repeated or replaced at random: mostly syntax errors, some not. */
    @Test
    void shouldAgreeOnMutatedManifests() {
        Random random = new Random(7L);
        List<byte[]> seeds = corpus().limit(20).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        byte[] alphabet = "{}[]:,\"'0123456789-+.eE tfnaul\\/x\n".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 10_000; i++) {
            byte[] doc = seeds.get(random.nextInt(seeds.size())).clone();
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations && doc.length > 1; m++) {
                int at = random.nextInt(doc.length);
                int length = 1 + random.nextInt(Math.min(8, doc.length - at));
                doc = switch (random.nextInt(3)) {
                    case 0 -> splice(doc, at, length, new byte[0]);
                    case 1 -> splice(doc, at, 0, java.util.Arrays.copyOfRange(doc, at, at + length));
                    default -> splice(doc, at, 1, new byte[] {alphabet[random.nextInt(alphabet.length)]});
                };
            }
            assertSameOutcome(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)], doc);
        }
    }

    private static byte[] splice(byte[] doc, int at, int remove, byte[] insert) {
        byte[] out = new byte[doc.length - remove + insert.length];
        System.arraycopy(doc, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(doc, at + remove, out, at + insert.length, doc.length - at - remove);
        return out;
    }

    /** Builds random manifest-shaped JSON. */
    static final class Generator {
        private static final String[] MEDIA_TYPES = {MediaTypes.OCI_MANIFEST, MediaTypes.OCI_INDEX,
                MediaTypes.DOCKER_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_SCHEMA1,
                MediaTypes.OCI_CONFIG, "", "text/plain"};
        private static final String[] DIGESTS = {A, B, C, S512, "sha256:abc", "md5:" + "a".repeat(32), "",
                A.toUpperCase()};

        static String document(Random r) {
            List<String> fields = new ArrayList<>();
            maybe(r, fields, "schemaVersion", () -> pick(r, "2", "2", "2", "1", "3", "\"2\"", "2.0", "true", "null",
                    "4294967297", "[]"));
            maybe(r, fields, "mediaType", () -> stringOrOther(r, MEDIA_TYPES));
            maybe(r, fields, "artifactType", () -> stringOrOther(r, "application/vnd.example", ""));
            maybe(r, fields, "config", () -> descriptorOrOther(r));
            maybe(r, fields, "layers", () -> arrayOrOther(r));
            maybe(r, fields, "manifests", () -> arrayOrOther(r));
            maybe(r, fields, "subject", () -> r.nextInt(4) == 0 ? "null" : descriptorOrOther(r));
            maybe(r, fields, "annotations", () -> annotations(r));
            maybe(r, fields, "extra", () -> other(r));
            java.util.Collections.shuffle(fields, r);
            return "{" + String.join(",", fields) + "}";
        }

        private static void maybe(Random r, List<String> fields, String name, java.util.function.Supplier<String> value) {
            if (r.nextInt(6) != 0) {
                fields.add(q(name) + ":" + value.get());
            }
        }

        private static String pick(Random r, String... choices) {
            return choices[r.nextInt(choices.length)];
        }

        private static String stringOrOther(Random r, String... strings) {
            return r.nextInt(8) == 0 ? other(r) : q(pick(r, strings));
        }

        private static String other(Random r) {
            return pick(r, "null", "1", "-2", "1.5", "true", "false", "[]", "{}", "[1,{\"a\":[]}]", "{\"a\":{\"b\":1}}",
                    "\"s\"");
        }

        private static String descriptorOrOther(Random r) {
            if (r.nextInt(8) == 0) {
                return other(r);
            }
            List<String> fields = new ArrayList<>();
            maybe(r, fields, "mediaType", () -> stringOrOther(r, MEDIA_TYPES));
            maybe(r, fields, "digest", () -> stringOrOther(r, DIGESTS));
            maybe(r, fields, "size", () -> pick(r, "0", "3", "1024", "-1", "3.5", "\"3\"", "null",
                    "18446744073709551616", "9223372036854775808"));
            if (r.nextInt(4) == 0) {
                fields.add("\"urls\":" + pick(r, "[]", "[\"https://x.invalid/\"]", "null", "\"x\"", "[[]]"));
            }
            if (r.nextInt(4) == 0) {
                fields.add("\"annotations\":" + annotations(r));
            }
            java.util.Collections.shuffle(fields, r);
            return "{" + String.join(",", fields) + "}";
        }

        private static String arrayOrOther(Random r) {
            return container(r, 8, "[", i -> descriptorOrOther(r), "]");
        }

        private static String annotations(Random r) {
            return container(r, 6, "{", i -> q("k" + i) + ":" + (r.nextInt(6) == 0 ? other(r) : q("v" + r.nextInt(3))),
                    "}");
        }

        /** Up to three entries between {@code open} and {@code close}; one time in {@code otherOneIn}, another type. */
        private static String container(Random r, int otherOneIn, String open, java.util.function.IntFunction<String> entry,
                                        String close) {
            if (r.nextInt(otherOneIn) == 0) {
                return other(r);
            }
            int n = r.nextInt(4);
            List<String> entries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                entries.add(entry.apply(i));
            }
            return open + String.join(",", entries) + close;
        }
    }
}
