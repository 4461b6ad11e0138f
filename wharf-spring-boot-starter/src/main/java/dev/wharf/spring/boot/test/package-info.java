/** Spring test support: each test context gets a registry data directory of its own. */
package dev.wharf.spring.boot.test;
