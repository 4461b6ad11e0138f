/**
 * JMH benchmarks of the engine's hot paths, without HTTP: digest verification on the upload path, manifest
 * parsing, metadata lookups and pages on the in-memory and RocksDB stores, and the rate limiter's admission of a
 * request. {@link dev.wharf.bench.jmh.JmhReport} turns a JMH JSON result file into the Markdown table, with the ratios the
 * durable-storage goals are stated in. Run from {@code wharf-benchmarks.jar}; never by the Maven build.
 */
package dev.wharf.bench.jmh;
