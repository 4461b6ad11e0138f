package dev.wharf.servlet.suite;

import java.util.List;

/** What {@link RegistryHttp#pushImage} stored, for tests to pull back and compare. */
public record PushedImage(String repo, String tag, byte[] manifest, String digest, Descriptor config,
                          byte[] configBytes, List<Descriptor> layers, List<byte[]> layerBytes) {

    /** The manifest's own descriptor, as an index or a {@code subject} field refers to it. */
    public Descriptor descriptor() {
        return new Descriptor(MediaTypes.OCI_MANIFEST, digest, manifest.length);
    }
}
