package dev.boardcqrs.query.consistency;

/** Where query-api learns what the read models have applied (Redis, in one script call). */
@FunctionalInterface
public interface AppliedSource {
    Applied now();
}
