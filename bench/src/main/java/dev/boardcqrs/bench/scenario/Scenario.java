package dev.boardcqrs.bench.scenario;

import dev.boardcqrs.bench.report.Results;

/**
 * One benchmark scenario: it measures something together with its baseline in the same run and adds a
 * section (and target checks) to the results. To add one (say, the catalog's reads), write a class like
 * {@link ReadScenario} and list it in BenchRunner; BENCH_SCENARIOS selects by {@link #name()}.
 */
public interface Scenario {
    String name();

    void run(BenchContext context, Results results) throws Exception;
}
