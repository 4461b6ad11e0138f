/**
 * The OCI Distribution HTTP API on any Jakarta Servlet 6 container: {@link dev.wharf.servlet.RegistryServlet},
 * mapped at {@code /v2/*}, translates requests into calls on a {@link dev.wharf.api.Registry} and
 * {@link dev.wharf.api.RegistryException}s into the spec's JSON error envelope.
 *
 * <p>The package holds no registry logic. Its parts, one job each:
 * <ul>
 *   <li>{@code Routes} and {@code Endpoint}: the route table, matched from the end of the path because
 *       repository names may contain segments such as {@code blobs} or {@code manifests};</li>
 *   <li>one handler per resource ({@code BlobHandler}, {@code UploadHandler}, {@code ManifestHandler},
 *       {@code TagHandler}, {@code ReferrersHandler}, {@code CatalogHandler}, {@code ExtensionsHandler});</li>
 *   <li>{@code ErrorWriter}: the one place that turns a failure into a response, in the envelope that
 *       {@link dev.wharf.servlet.ErrorEnvelope} also gives a container for the requests it refuses itself;</li>
 *   <li>pure header and query parsers ({@code RangeHeaders}, {@code AcceptHeader}, {@code QueryParams},
 *       {@code Pagination}) that need no container to test.</li>
 * </ul>
 *
 * <p>Invariants: request and response bodies stream through bounded buffers (a blob is never held in
 * memory; only manifests, bounded by {@link dev.wharf.api.RegistryConfig#maxManifestBytes()}, are read whole);
 * {@code Location} headers are relative ({@code contextPath + servletPath + "/<name>/..."}); HEAD responses
 * never carry a body; every response carries {@code Docker-Distribution-API-Version: registry/2.0}.
 */
package dev.wharf.servlet;
