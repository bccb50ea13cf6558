package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.report.Results;
import dev.boardcqrs.bench.report.Section;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.generation.Generation;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Rebuild: wall time of a full rebuild of the seeded data, as an operator's `cdc-projector rebuild` asks for
 * it (a second engine snapshots into a new generation while the active one keeps serving), from the request
 * to the moment readers switch to the new generation, and its rate.
 */
public final class RebuildScenario implements Scenario {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Override
    public String name() {
        return "rebuild";
    }

    @Override
    public void run(BenchContext context, Results results) throws Exception {
        Projector projector = context.stack().projector();
        long started = System.nanoTime();
        Generation rebuilt = projector.rebuild("benchmark");
        // readers switch inside the commit of the snapshot's last batch, and the rebuilt generation's status counts
        // that batch's rows only after the commit returns: wait for both, or the rows come out a batch short
        while (!projector.activeGeneration().equals(rebuilt) || projector.status().completedSnapshots() == 0) {
            if (System.nanoTime() - started > TIMEOUT.toNanos()) {
                throw new IllegalStateException("the rebuild did not finish within " + TIMEOUT.toMinutes() + " min");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9; // a few ms past the switch at most
        long rows = projector.status().snapshotRows(); // the rebuilt generation's own count
        results.add(Section.of(name(), "Rebuild", "rows", "wall time s", "rows/s over the wall time"))
                .row(rows, wallSeconds, rows / wallSeconds)
                .put("rows", rows)
                .put("wallSeconds", wallSeconds)
                .put("rowsPerSecond", rows / wallSeconds)
                .note("From Projector.rebuild (what POST /rebuild and `cdc-projector rebuild` call) to the switch of "
                        + "readers to the new generation; the active generation keeps serving meanwhile.");
    }
}
