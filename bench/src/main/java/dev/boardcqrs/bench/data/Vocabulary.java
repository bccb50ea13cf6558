package dev.boardcqrs.bench.data;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The words the seed writes into articles and the search scenario looks for: {@value #SIZE} English nouns. Each
 * seeded article carries one in its title and three in its content, picked by arithmetic on its id, so one word
 * matches about 4% of the articles, a realistic share for a common search term. No word contains another or a
 * word of the filler text, so {@code LIKE '%word%'}, InnoDB FULLTEXT and the search engine find the same articles
 * (VocabularyTest holds that); none is an InnoDB stopword or shorter than its minimum token size (3).
 */
public final class Vocabulary {
    public static final int SIZE = 100;
    /**
     * What fills the rest of an article's content, four times around each word: with the words about 570 bytes, as
     * the 495 bytes of filler alone were before the words came, so models and answers keep a realistic size.
     */
    public static final String FILLER = "The quick brown fox jumps over the lazy dog. ";

    static final List<String> WORDS = List.of(
            "garden", "river", "window", "castle", "engine", "pepper", "silver", "forest", "planet", "rocket",
            "candle", "harbor", "jacket", "ladder", "magnet", "needle", "orange", "pencil", "pillow", "puzzle",
            "saddle", "tunnel", "violin", "wallet", "anchor", "basket", "bridge", "camera", "desert", "dragon",
            "feather", "ginger", "hammer", "island", "jungle", "kettle", "lemon", "marble", "napkin", "oyster",
            "parrot", "quilt", "rabbit", "salmon", "tomato", "umbrella", "valley", "walnut", "yogurt", "zebra",
            "almond", "bucket", "cactus", "dolphin", "falcon", "glacier", "helmet", "igloo", "jigsaw", "koala",
            "lantern", "mustard", "nectar", "olive", "peanut", "quartz", "radish", "spider", "turtle", "unicorn",
            "vulture", "whistle", "yacht", "zipper", "blanket", "compass", "diamond", "eagle", "fossil", "guitar",
            "hornet", "iceberg", "jasmine", "kitten", "lobster", "meadow", "nutmeg", "orchid", "pirate", "raccoon",
            "scooter", "trumpet", "volcano", "wizard", "biscuit", "cobra", "donkey", "emerald", "flute", "goblin");

    private Vocabulary() {
    }

    /** The {@code number}-th word, from 1 (the ids a load generator picks with uniform:{@value #SIZE}). */
    public static String word(long number) {
        return WORDS.get((int) ((number - 1) % SIZE));
    }

    /** SQL that picks the word numbered {@code 1 + (expression) % SIZE}: ELT over the list. */
    static String pick(String expression) {
        return "ELT(1 + (" + expression + ") % " + SIZE + ", "
                + WORDS.stream().map(word -> "'" + word + "'").collect(Collectors.joining(", ")) + ")";
    }

    /** SQL for a seeded article's title: "Article N" and one word. */
    static String title(String seq) {
        return "CONCAT('Article ', " + seq + ", ' ', " + pick(seq + " * 7") + ")";
    }

    /**
     * SQL for a seeded article's content: the filler with three words among it. The multipliers are coprime with
     * {@value #SIZE}, so every word is used equally often; the offsets keep an article's words apart.
     */
    static String content(String seq) {
        return "CONCAT(REPEAT('" + FILLER + "', 4), " + pick(seq + " * 13 + 5") + ", '. ', REPEAT('" + FILLER
                + "', 4), " + pick(seq + " * 31 + 11") + ", '. ', REPEAT('" + FILLER + "', 4), "
                + pick(seq + " * 57 + 29") + ", '.')";
    }
}
