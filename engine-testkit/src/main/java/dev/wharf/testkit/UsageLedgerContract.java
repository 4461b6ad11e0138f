package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.QuotaLimits;
import dev.wharf.api.QuotaRule;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;
import dev.wharf.api.Usage;
import dev.wharf.spi.ManifestRecord;
import dev.wharf.spi.PendingEvents;
import dev.wharf.spi.QuotaExceededException;
import dev.wharf.spi.QuotaPolicy;
import dev.wharf.spi.UsageLedger;
import dev.wharf.spi.UsageRef;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link UsageLedger} contract, for stores that keep one ({@link dev.wharf.spi.MetadataStore#usageLedger()};
 * skipped, saying why, for those that do not): once counting, every link, manifest and tag change updates the
 * usage of each scope of its repository in the same change, bytes de-duplicated per scope; a change that would
 * cross a limit is refused whole; concurrent changes racing for a scope's last bytes never cross it; counts and
 * their counting key survive reopening. Run through {@link MetadataStoreContract}.
 */
public interface UsageLedgerContract extends MetadataStoreUnderTest {
    /** Scopes: "team/**" together (10,000 bytes), and each repository under it (6,000 bytes, 2 tags). */
    QuotaPolicy POLICY = QuotaPolicy.of(List.of(
            QuotaRule.namespace("team/**", QuotaLimits.NONE.withBytes(10_000)),
            QuotaRule.eachRepository("team/**", QuotaLimits.NONE.withBytes(6_000).withTags(2))));
    String TEAM = "team/**";

    private UsageLedger counting() {
        Optional<UsageLedger> ledger = store().usageLedger();
        Assumptions.assumeTrue(ledger.isPresent(), "the store keeps no usage counts (usageLedger() is empty)");
        ledger.get().count(Optional.of(POLICY));
        return ledger.get();
    }

    private void link(RepositoryName repository, Digest digest, long size) {
        store().linkBlob(repository, digest, size, PendingEvents.none());
    }

    @Test
    default void shouldCountEachDigestOncePerScopeHoweverManyRepositoriesLinkIt() {
        UsageLedger ledger = counting();
        RepositoryName a = repo("team/a");
        RepositoryName b = repo("team/b");
        link(a, digest("shared"), 1_000);
        link(b, digest("shared"), 1_000);
        link(a, digest("shared"), 1_000); // again: no change
        link(b, digest("own"), 300);
        link(repo("other/x"), digest("elsewhere"), 5_000);

        assertThat(ledger.usage(TEAM)).isEqualTo(new Usage(1_300, 0, 0, 2));
        assertThat(ledger.usage("team/a")).isEqualTo(new Usage(1_000, 0, 0, 1));
        assertThat(ledger.usage("team/b")).isEqualTo(new Usage(1_300, 0, 0, 1));
        assertThat(ledger.usage("other/x")).isEqualTo(Usage.ZERO);
        assertThat(ledger.reference(TEAM, digest("shared"))).contains(new UsageRef(2, 1_000));

        assertThat(store().unlinkBlob(a, digest("shared"))).isTrue();
        assertThat(ledger.usage(TEAM)).isEqualTo(new Usage(1_300, 0, 0, 1));
        assertThat(store().unlinkBlob(b, digest("shared"))).isTrue();
        assertThat(ledger.usage(TEAM)).isEqualTo(new Usage(300, 0, 0, 1));
        assertThat(ledger.reference(TEAM, digest("shared"))).isEmpty();
        assertThat(ledger.usages()).containsOnlyKeys(TEAM, "team/b");
    }

    @Test
    default void shouldCountManifestsTagsAndRepositoriesAndTakeThemBackOnDelete() {
        UsageLedger ledger = counting();
        RepositoryName a = repo("team/a");
        ManifestRecord m = manifest("one");
        long size = m.manifest().size();
        push(store(), a, m, "v1", "latest");
        assertThat(ledger.usage("team/a")).isEqualTo(new Usage(size, 1, 2, 1));
        push(store(), a, m, "v1"); // moves nothing, adds nothing
        assertThat(ledger.usage("team/a")).isEqualTo(new Usage(size, 1, 2, 1));

        assertThat(store().deleteTag(a, Tag.of("latest"), T0)).isTrue();
        assertThat(ledger.usage("team/a")).isEqualTo(new Usage(size, 1, 1, 1));
        assertThat(store().deleteManifest(a, m.digest(), T0)).isTrue();
        assertThat(ledger.usage("team/a")).isEqualTo(Usage.ZERO);
        assertThat(ledger.usage(TEAM)).isEqualTo(Usage.ZERO);
    }

    @Test
    default void shouldRefuseAChangeThatCrossesALimitAndWriteNoneOfIt() {
        UsageLedger ledger = counting();
        RepositoryName a = repo("team/a");
        link(a, digest("first"), 5_000);
        assertThatThrownBy(() -> link(a, digest("second"), 1_001))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.scope()).isEqualTo("team/a");
                    assertThat(e.kind()).isEqualTo(Usage.Kind.BYTES);
                    assertThat(e.limit()).isEqualTo(6_000);
                    assertThat(e.used()).isEqualTo(5_000);
                    assertThat(e.requested()).isEqualTo(1_001);
                });
        assertThat(store().isBlobLinked(a, digest("second"))).isFalse();
        assertThat(ledger.usage("team/a")).isEqualTo(new Usage(5_000, 0, 0, 1));

        link(a, digest("second"), 1_000); // exactly at the limit is allowed
        assertThat(ledger.usage("team/a").bytes()).isEqualTo(6_000);
        link(repo("team/b"), digest("first"), 5_000); // de-duplicated in the namespace: costs it nothing
        assertThat(ledger.usage(TEAM).bytes()).isEqualTo(6_000);

        RepositoryName c = repo("team/c");
        ManifestRecord m = manifest("tagged");
        push(store(), c, m, "one", "two");
        List<TagMove> third = List.of(new TagMove(Tag.of("three"), Optional.empty(), Optional.of(m.digest()), T0));
        assertThatThrownBy(() -> store().putManifest(c, m, third))
                .isInstanceOfSatisfying(QuotaExceededException.class,
                        e -> assertThat(e.kind()).isEqualTo(Usage.Kind.TAGS));
        assertThat(store().resolveTag(c, Tag.of("three"))).isEmpty();
    }

    @Test
    default void shouldRefuseALinkWithoutItsSizeWhileCounting() {
        counting();
        assertThatThrownBy(() -> store().linkBlob(repo("team/a"), digest("x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store().isBlobLinked(repo("team/a"), digest("x"))).isFalse();
        store().linkBlob(repo("other/a"), digest("x")); // no scope counts it: the size is not needed
        assertThat(store().isBlobLinked(repo("other/a"), digest("x"))).isTrue();
    }

    @Test
    default void shouldNeverCrossALimitUnderConcurrentLinks() throws Exception {
        UsageLedger ledger = counting();
        // 16 pushers of 1,000 bytes each into four repositories of team/**: exactly ten fit.
        List<Boolean> won = Parallel.run(16, i -> () -> {
            try {
                link(repo("team/r" + (i % 4)), digest("blob-" + i), 1_000);
                return true;
            } catch (QuotaExceededException e) {
                return false;
            }
        });
        long winners = won.stream().filter(w -> w).count();
        assertThat(winners).isEqualTo(10);
        assertThat(ledger.usage(TEAM).bytes()).isEqualTo(10_000);
        long linked = 0;
        for (int i = 0; i < 16; i++) {
            if (store().isBlobLinked(repo("team/r" + (i % 4)), digest("blob-" + i))) {
                linked++;
            }
        }
        assertThat(linked).isEqualTo(winners);
    }

    @Test
    default void shouldReplaceEveryCountAtOnceUnderACountingKey() {
        UsageLedger ledger = counting();
        link(repo("team/a"), digest("old"), 10);
        ledger.replace("key-2", Map.of("x/**", new Usage(5, 1, 1, 1)),
                Map.of("x/**", Map.of(digest("d"), new UsageRef(1, 5))));
        assertThat(ledger.countingKey()).isEqualTo("key-2");
        assertThat(ledger.usages()).containsExactly(Map.entry("x/**", new Usage(5, 1, 1, 1)));
        assertThat(ledger.reference("x/**", digest("d"))).contains(new UsageRef(1, 5));
        assertThat(ledger.reference(TEAM, digest("old"))).isEmpty();
    }

    @Test
    default void shouldKeepCountsAndTheirKeyAcrossReopening() throws Exception {
        UsageLedger ledger = counting();
        ledger.replace(POLICY.countingKey(), Map.of(), Map.of());
        link(repo("team/a"), digest("kept"), 700);
        push(store(), repo("team/a"), manifest("kept"), "v1");
        Usage before = ledger.usage(TEAM);
        UsageLedger reopened = reopen().usageLedger().orElseThrow();
        assertThat(reopened.countingKey()).isEqualTo(POLICY.countingKey());
        assertThat(reopened.usage(TEAM)).isEqualTo(before);
        assertThat(reopened.reference(TEAM, digest("kept"))).contains(new UsageRef(1, 700));
    }
}
