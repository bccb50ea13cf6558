package dev.boardcqrs.common.search;

import java.util.Locale;

/**
 * Index names of one namespace (REDIS_NAMESPACE, lower-cased: index names must be): each read model's index of a
 * generation is {@code NS-NAME-gN} behind the alias {@code NS-NAME} that readers use; a rebuild moves the alias in
 * one _aliases call. {@code NS-search-meta} holds each generation's watermark and building mark.
 */
public record SearchIndexes(String namespace) {

    public SearchIndexes {
        namespace = namespace.toLowerCase(Locale.ROOT);
    }

    /** What readers search: the active generation's index. */
    public String alias(String name) {
        return namespace + "-" + name;
    }

    public String index(String name, String generation) {
        return alias(name) + "-" + generation;
    }

    /** Every generation's index of {@code name}, as a pattern. */
    public String allGenerations(String name) {
        return alias(name) + "-g*";
    }

    public String meta() {
        return namespace + "-search-meta";
    }
}
