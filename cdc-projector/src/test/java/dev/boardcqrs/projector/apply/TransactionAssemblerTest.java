package dev.boardcqrs.projector.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.SourceEvent;
import dev.boardcqrs.projector.source.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A source transaction is applied whole: its events wait for its END, unless it grows beyond what may be held. */
class TransactionAssemblerTest {
    private final TransactionAssembler transactions = new TransactionAssembler();
    private long positions;

    @Test
    void shouldHoldATransactionWhoseEndHasNotArrivedUntilItDoes() {
        SourceEvent before = row();
        SourceEvent first = row();
        SourceEvent second = row();

        assertThat(transactions.ready(List.of(before, SourceEvent.BEGIN, first))).containsExactly(before);

        SourceEvent after = row();
        assertThat(transactions.ready(List.of(second, SourceEvent.END, after)))
                .containsExactly(SourceEvent.BEGIN, first, second, SourceEvent.END, after);
    }

    @Test
    void shouldPassCompleteTransactionsAtOnce() {
        List<SourceEvent> complete = List.of(SourceEvent.BEGIN, row(), row(), SourceEvent.END, SourceEvent.OTHER);

        assertThat(transactions.ready(complete)).containsExactlyElementsOf(complete);
        assertThat(transactions.ready(List.of())).isEmpty();
    }

    @Test
    void shouldApplyATransactionTooLargeToHoldInParts() {
        List<SourceEvent> huge = new ArrayList<>();
        huge.add(SourceEvent.BEGIN);
        for (int i = 0; i < TransactionAssembler.MAX_HELD; i++) {
            huge.add(row());
        }

        assertThat(transactions.ready(huge)).as("more than the bound is waiting").hasSize(huge.size());
    }

    private SourceEvent row() {
        long position = ++positions;
        return SourceEvent.row(new RowChange("comment", RowChange.Operation.CREATE, null, Map.of("comment_id", position),
                new SourcePosition("bin.000001", position, 0, 0, null, false, false), 0));
    }
}
