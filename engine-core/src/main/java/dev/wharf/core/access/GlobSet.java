package dev.wharf.core.access;

import dev.wharf.api.RepositoryGlob;
import dev.wharf.api.RepositoryName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Answers "does any of these globs match this name?" without trying every glob: a glob whose first component
 * is literal ({@code team/**}, {@code library/ubuntu}) can only match names that begin with that component, so
 * such globs are filed under it and only the name's own first component is looked up; the others (starting
 * with a wildcard) are tried in turn. A policy of a thousand per-team rules thus tries a handful per call.
 */
final class GlobSet {
    static final GlobSet EMPTY = new GlobSet(Map.of(), new RepositoryGlob[0]);

    private final Map<String, RepositoryGlob[]> byFirstComponent;
    private final RepositoryGlob[] wildcardFirst;

    private GlobSet(Map<String, RepositoryGlob[]> byFirstComponent, RepositoryGlob[] wildcardFirst) {
        this.byFirstComponent = byFirstComponent;
        this.wildcardFirst = wildcardFirst;
    }

    /** The set of {@code globs}, duplicates dropped. */
    static GlobSet of(Collection<RepositoryGlob> globs) {
        if (globs.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<RepositoryGlob>> literal = new HashMap<>();
        List<RepositoryGlob> wildcard = new ArrayList<>();
        for (RepositoryGlob glob : new LinkedHashSet<>(globs)) {
            String text = glob.toString();
            int slash = text.indexOf('/');
            String first = slash < 0 ? text : text.substring(0, slash);
            if (first.indexOf('*') < 0 && first.indexOf('?') < 0) {
                literal.computeIfAbsent(first, k -> new ArrayList<>()).add(glob);
            } else {
                wildcard.add(glob);
            }
        }
        Map<String, RepositoryGlob[]> index = new HashMap<>();
        literal.forEach((first, list) -> index.put(first, list.toArray(RepositoryGlob[]::new)));
        return new GlobSet(Map.copyOf(index), wildcard.toArray(RepositoryGlob[]::new));
    }

    boolean matchesAny(RepositoryName name) {
        for (RepositoryGlob glob : wildcardFirst) {
            if (glob.matches(name)) {
                return true;
            }
        }
        if (byFirstComponent.isEmpty()) {
            return false;
        }
        String value = name.value();
        int slash = value.indexOf('/');
        RepositoryGlob[] candidates = byFirstComponent.get(slash < 0 ? value : value.substring(0, slash));
        if (candidates != null) {
            for (RepositoryGlob glob : candidates) {
                if (glob.matches(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
