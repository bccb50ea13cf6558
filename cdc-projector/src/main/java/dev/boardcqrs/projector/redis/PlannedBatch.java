package dev.boardcqrs.projector.redis;

import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.common.redis.LuaScript;
import dev.boardcqrs.projector.redis.ProjectorRedis.ReplyError;
import dev.boardcqrs.projector.redis.ProjectorRedis.Transaction;
import dev.boardcqrs.projector.redis.RedisProjection.Planned;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.store.Refusal;
import dev.boardcqrs.projector.store.StoreBatch.Positioned;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One batch planned by the Redis read models: each projection's writes, in source order, with the change each came
 * from, and the changes a projection could not plan. Queued into a transaction, it remembers which writes each
 * script call carries, to tell from the replies which changes Redis refused.
 */
final class PlannedBatch {
    private final List<Writes<?>> writes;
    private final List<Refusal> refusals;

    /** No writes: what is left of a batch whose models a Redis Cluster has written already. */
    static final PlannedBatch NOTHING = new PlannedBatch(List.of(), List.of());

    private PlannedBatch(List<Writes<?>> writes, List<Refusal> refusals) {
        this.writes = writes;
        this.refusals = refusals;
    }

    /** Plans every change with each projection that reads its table; what a projection cannot plan is refused. */
    static PlannedBatch plan(List<RedisProjection<?>> projections, List<Positioned> changes) {
        List<Writes<?>> all = new ArrayList<>(projections.size());
        for (RedisProjection<?> projection : projections) {
            all.add(Writes.of(projection));
        }
        List<Refusal> refusals = new ArrayList<>();
        for (Positioned positioned : changes) {
            for (Writes<?> writes : all) {
                if (writes.projection.tables().contains(positioned.change().table())) {
                    try {
                        writes.add(positioned);
                    } catch (RuntimeException e) {
                        refusals.add(new Refusal(positioned.change(), writes.projection.name(), Refusal.Stage.PLAN, e));
                    }
                }
            }
        }
        return new PlannedBatch(all, refusals);
    }

    /** Writes already planned, of one projection, from no change in particular (a retry, a test). */
    static <W> PlannedBatch of(RedisProjection<W> projection, List<Planned<W>> planned) {
        return new PlannedBatch(List.of(new Writes<>(projection, new ArrayList<>(planned),
                new ArrayList<>(Collections.nCopies(planned.size(), (RowChange) null)))), List.of());
    }

    /** The changes its projections could not plan. */
    List<Refusal> refusals() {
        return refusals;
    }

    /**
     * Queues every projection's writes into {@code tx} (after MULTI), under {@code generation}'s keys; {@code slotted}:
     * each call's keys in one slot (a Redis Cluster).
     */
    Queued queue(Transaction tx, KeyScheme generation, boolean slotted) {
        Queued queued = new Queued(tx, generation, slotted);
        writes.forEach(projectionWrites -> projectionWrites.queue(queued));
        return queued;
    }

    /** One projection's writes of a batch, and the change each came from. */
    private static final class Writes<W> {
        private final RedisProjection<W> projection;
        private final List<Planned<W>> planned;
        private final List<RowChange> changes;

        private Writes(RedisProjection<W> projection, List<Planned<W>> planned, List<RowChange> changes) {
            this.projection = projection;
            this.planned = planned;
            this.changes = changes;
        }

        static <W> Writes<W> of(RedisProjection<W> projection) {
            return new Writes<>(projection, new ArrayList<>(), new ArrayList<>());
        }

        void add(Positioned positioned) {
            for (W write : projection.plan(positioned.change())) {
                planned.add(new Planned<>(write, positioned.position(), positioned.snapshot()));
                changes.add(positioned.change());
            }
        }

        void queue(Queued queued) {
            if (planned.isEmpty()) {
                return;
            }
            queued.begin(this);
            projection.queue(planned, queued);
            queued.end();
        }
    }

    /** The calls queued in one transaction, and which writes of which projection each carries. */
    static final class Queued implements RedisBatch {
        private final Transaction tx;
        private final KeyScheme generation;
        private final boolean slotted;
        private final List<Call> calls = new ArrayList<>();
        private Writes<?> current;
        private int next;

        private Queued(Transaction tx, KeyScheme generation, boolean slotted) {
            this.tx = tx;
            this.generation = generation;
            this.slotted = slotted;
        }

        @Override
        public boolean slotted() {
            return slotted;
        }

        @Override
        public void alsoCall(LuaScript script, List<String> keys, List<String> args, ReplyCheck replies) {
            if (next == 0) {
                throw new IllegalStateException(current.projection.name() + " queued a further call before any");
            }
            tx.evalsha(script, keys, args);
            calls.add(new Call(current, next - 1, 1, replies));
        }

        @Override
        public KeyScheme generation() {
            return generation;
        }

        @Override
        public void call(LuaScript script, List<String> keys, List<String> args, int writes, ReplyCheck replies) {
            if (writes < 1 || next + writes > current.planned.size()) {
                throw new IllegalStateException(current.projection.name() + " queued a call for " + writes
                        + " writes, but only " + (current.planned.size() - next) + " are left");
            }
            tx.evalsha(script, keys, args);
            calls.add(new Call(current, next, writes, replies));
            next += writes;
        }

        private void begin(Writes<?> writes) {
            current = writes;
            next = 0;
        }

        private void end() {
            if (next != current.planned.size()) {
                throw new IllegalStateException(current.projection.name() + " queued " + next + " of its "
                        + current.planned.size() + " writes");
            }
        }

        /** How many script calls were queued: their replies come first. */
        int calls() {
            return calls.size();
        }

        /** What Redis refused, from the replies of the calls (the first replies of the transaction). */
        List<Refusal> refusals(List<Object> replies) {
            List<Refusal> refusals = new ArrayList<>();
            // a write spread over several calls (alsoCall) is refused once, for the first of its calls that failed
            Set<Map.Entry<Writes<?>, Integer>> refusedWrites = new HashSet<>();
            for (int i = 0; i < calls.size(); i++) {
                Call call = calls.get(i);
                Object reply = replies.get(i);
                Map<Integer, String> refused = reply instanceof ReplyError error
                        ? allOf(call.writes(), error.message()) : call.replies().refusals(reply, call.writes());
                refused.forEach((index, why) -> {
                    if (refusedWrites.add(Map.entry(call.of(), call.first() + index))) {
                        refusals.add(new Refusal(call.of().changes.get(call.first() + index),
                                call.of().projection.name(), Refusal.Stage.APPLY, new RefusedByRedisException(why)));
                    }
                });
            }
            return refusals;
        }

        private static Map<Integer, String> allOf(int writes, String why) {
            Map<Integer, String> all = new TreeMap<>();
            for (int i = 0; i < writes; i++) {
                all.put(i, why);
            }
            return all;
        }
    }

    private record Call(Writes<?> of, int first, int writes, ReplyCheck replies) {
    }
}
