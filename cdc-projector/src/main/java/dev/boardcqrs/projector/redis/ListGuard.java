package dev.boardcqrs.projector.redis;

/**
 * How an owner's counted list (a board's or a writer's count and newest articles, lua/lib/counted_list.lua) skips
 * the changes it has already taken. Both guards make a replay harmless; they differ in what order they need.
 */
public enum ListGuard {
    /**
     * One position for the whole owner: a change older than the newest it took is skipped. Right for one total
     * order (the embedded engine), and costs one field per owner.
     */
    OWNER("owner"),
    /**
     * A position per article and owner, and whether the article is in or has left: each article's changes need their
     * own order only, so changes from several Kafka partitions count exactly whatever order they arrive in. Costs a
     * hash field per article in each board and writer (docs/kafka-mode.md).
     */
    ARTICLE("article");

    private final String argument;

    ListGuard(String argument) {
        this.argument = argument;
    }

    /** What the scripts are told. */
    public String argument() {
        return argument;
    }
}
