/** Quotas through the launcher: usage kept exact across kill -9. */
package dev.wharf.testing.quota;
