/**
 * Wharf's values and service-provider interfaces: {@code dev.wharf.api} (domain values, the error catalogue,
 * the {@code Registry} facade) and {@code dev.wharf.spi} (the storage, authorisation and listener SPIs, split by
 * role). Depends on nothing outside the JDK.
 */
module dev.wharf.api {
    exports dev.wharf.api;
    exports dev.wharf.spi;

    uses dev.wharf.spi.RegistryEngineProvider;
}
