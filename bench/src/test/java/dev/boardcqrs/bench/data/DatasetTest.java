package dev.boardcqrs.bench.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

    @Test
    void shouldSplitTheArticlesIntoTheHotOnePercentAndTheColdRestWithoutOverlap() {
        Dataset data = Dataset.atScale(0.01);
        Set<Long> ids = new HashSet<>();
        for (long i = 0; i < data.hotArticles(); i++) {
            ids.add(Dataset.hotId(i));
        }
        for (long i = 0; i < data.coldArticles(); i++) {
            assertThat(ids.add(Dataset.coldId(i))).as("cold index %d", i).isTrue();
        }
        assertThat(ids).hasSize((int) data.articles()).allMatch(id -> id >= 1 && id <= data.articles());
    }

    @Test
    void shouldScaleTheIssuesDataSetAndKeepAtLeastOneHotArticle() {
        assertThat(Dataset.atScale(1)).isEqualTo(new Dataset(100_000, 100, 1_000_000, 1_000_000));
        assertThat(Dataset.atScale(0.0001).hotArticles()).isEqualTo(1);
    }
}
