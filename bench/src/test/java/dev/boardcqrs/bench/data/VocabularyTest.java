package dev.boardcqrs.bench.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    /** InnoDB's default FULLTEXT stopwords (INFORMATION_SCHEMA.INNODB_FT_DEFAULT_STOPWORD). */
    private static final Set<String> INNODB_STOPWORDS = Set.of("a", "about", "an", "are", "as", "at", "be", "by",
            "com", "de", "en", "for", "from", "how", "i", "in", "is", "it", "la", "of", "on", "or", "that", "the",
            "this", "to", "was", "what", "when", "where", "who", "will", "with", "und", "www");

    @Test
    void shouldHoldDistinctWordsThatNoOtherWordOrTheFillerContainsSoLikeAndFulltextFindTheSameArticles() {
        List<String> words = Vocabulary.WORDS;
        assertThat(words).hasSize(Vocabulary.SIZE).doesNotHaveDuplicates();
        String filler = Vocabulary.FILLER.toLowerCase();
        for (String word : words) {
            assertThat(word).as("a word InnoDB FULLTEXT indexes").hasSizeGreaterThanOrEqualTo(4).matches("[a-z]+")
                    .isNotIn(INNODB_STOPWORDS);
            assertThat(filler).as("the filler").doesNotContain(word);
            for (String other : words) {
                if (!other.equals(word)) {
                    assertThat(other).as("another word").doesNotContain(word);
                }
            }
        }
    }

    @Test
    void shouldNumberWordsFromOneAndWrapAround() {
        Set<String> seen = new HashSet<>();
        for (long number = 1; number <= Vocabulary.SIZE; number++) {
            seen.add(Vocabulary.word(number));
        }
        assertThat(seen).hasSize(Vocabulary.SIZE);
        assertThat(Vocabulary.word(1)).isEqualTo(Vocabulary.word(1 + Vocabulary.SIZE));
    }
}
