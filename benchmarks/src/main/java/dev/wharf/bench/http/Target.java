package dev.wharf.bench.http;

/**
 * A registry under test, as the workloads reach it.
 *
 * @param name label in the report ({@code Wharf}, {@code distribution})
 * @param host loopback address it listens on
 * @param port its port
 */
public record Target(String name, String host, int port) {
}
