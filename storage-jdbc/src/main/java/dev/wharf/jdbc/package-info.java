/**
 * A {@link dev.wharf.spi.MetadataStore} on PostgreSQL through JDBC, for registries whose metadata several Wharf
 * nodes share: {@link dev.wharf.jdbc.JdbcMetadataStore}. The schema is created and migrated by the store
 * ({@code Schema}); each change is one transaction ({@code Transactions}).
 */
package dev.wharf.jdbc;
