package dev.boardcqrs.projector.store;

import dev.boardcqrs.projector.source.RowChange;

/**
 * A change that did not reach a read model: its projection could not plan it ({@link Stage#PLAN}: a row that
 * breaks the model's assumptions) or the store refused the write ({@link Stage#APPLY}). It goes to the dead letters.
 */
public record Refusal(RowChange change, String projection, Stage stage, RuntimeException error) {

    public enum Stage { PLAN, APPLY }
}
