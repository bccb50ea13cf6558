package dev.boardcqrs.bench.data;

/**
 * The sizes of the seeded data set at a scale (1.0: 100,000 articles over 100 boards, 1,000,000 comments,
 * 1,000,000 likes). Article ids are 1..articles. Every STRIDE-th article (ids 1, 101, 201, ...) is hot: the
 * hot 1% hold half of the comments and half of the likes; the cold 99% share the other half evenly.
 */
public record Dataset(long articles, long boards, long comments, long likes) {
    public static final long STRIDE = 100;
    public static final long ARTICLES_AT_SCALE_1 = 100_000;

    public static Dataset atScale(double scale) {
        long articles = Math.max(STRIDE, Math.round(ARTICLES_AT_SCALE_1 * scale / STRIDE) * STRIDE);
        return new Dataset(articles, Math.min(100, articles), Math.round(1_000_000 * scale),
                Math.round(1_000_000 * scale));
    }

    public long hotArticles() {
        return articles / STRIDE;
    }

    public long coldArticles() {
        return articles - hotArticles();
    }

    /** The {@code index}-th hot article (from 0). */
    public static long hotId(long index) {
        return 1 + index * STRIDE;
    }

    /** The {@code index}-th cold article (from 0): the 99 ids after each hot one. */
    public static long coldId(long index) {
        return index / (STRIDE - 1) * STRIDE + index % (STRIDE - 1) + 2;
    }

    public long rows() {
        return articles + comments + likes;
    }
}
