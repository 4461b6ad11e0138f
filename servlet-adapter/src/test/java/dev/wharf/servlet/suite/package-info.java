/**
 * The HTTP workflow suite: the OCI Distribution Specification's four workflows (pull, push, content
 * discovery, content management) and its bad-input cases, written once against plain HTTP so that any
 * servlet container and any storage backend can run them.
 *
 * <p>Each {@code *Suite} class is abstract and asks only for a {@link dev.wharf.servlet.suite.RegistryHttp}
 * pointing at a running registry; {@code dev.wharf.servlet.DistributionApiSuite} gathers them as nested
 * tests around one server per concrete test class. Tests use fresh repository names and fresh random
 * content, so they never depend on each other or on the order they run in.
 *
 * <p>Where the spec leaves a choice open, the suite expects Wharf's HTTP contract (relative
 * {@code Location}, {@code 416 RANGE_INVALID} with the accepted {@code Range}, the error codes named
 * there).
 */
package dev.wharf.servlet.suite;
