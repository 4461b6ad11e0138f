/** Tests of the pull-through mirror: a test registry in front of others over real HTTP, and real clients. */
package dev.wharf.testing.mirror;
