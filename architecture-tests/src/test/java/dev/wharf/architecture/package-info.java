/**
 * Build-time checks of Wharf's architecture: the dependency rules between modules and packages, run on the
 * compiled classes of every module so that a wrong arrow fails {@code mvn verify}.
 */
package dev.wharf.architecture;
