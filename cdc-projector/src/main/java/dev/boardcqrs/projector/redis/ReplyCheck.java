package dev.boardcqrs.projector.redis;

import java.util.Map;

/** Reads a script's reply: which writes of the call the script refused, and why. */
@FunctionalInterface
public interface ReplyCheck {

    /** A reply that is not an error means every write of the call applied. */
    ReplyCheck APPLIED = (reply, writes) -> Map.of();

    /**
     * Why the script refused writes of one call, by their index within the call (from 0 to {@code writes} - 1);
     * empty when it applied them all.
     */
    Map<Integer, String> refusals(Object reply, int writes);
}
