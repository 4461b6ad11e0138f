/**
 * Pull-through mirroring: {@link dev.wharf.core.mirror.HttpUpstreamClient}, the engine's way of reaching an
 * upstream registry over HTTP (the token flow included). The mirror itself is part of the engine, configured
 * with {@link dev.wharf.api.RegistryBuilder#upstream(dev.wharf.api.Upstream)}.
 */
package dev.wharf.core.mirror;
