package dev.boardcqrs.bench.report;

/** One target of an issue (#6, #19) against what this run measured: held or missed, and by how much. */
public record TargetCheck(String target, String measured, boolean held, String margin) {

    /** A lower bound: {@code measured >= goal}. */
    public static TargetCheck atLeast(String target, double measured, double goal, String unit) {
        boolean held = measured >= goal;
        return new TargetCheck(target, Format.decimal(measured) + unit, held,
                held ? "met" : "missed by " + Format.decimal(goal - measured) + unit + " ("
                        + Format.decimal(100 * (goal - measured) / goal) + "% below the goal)");
    }

    /** An upper bound: {@code measured <= goal}. */
    public static TargetCheck atMost(String target, double measured, double goal, String unit) {
        boolean held = measured <= goal;
        return new TargetCheck(target, Format.decimal(measured) + unit, held,
                held ? "met" : "missed by " + Format.decimal(measured - goal) + unit + " ("
                        + Format.decimal(measured / goal) + " x the limit)");
    }
}
