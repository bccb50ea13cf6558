package dev.boardcqrs.query.article;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.board.ArticleModel;
import io.javalin.json.JavalinJackson;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An article model together with its JSON as query-api answers it, less the view count (which changes far more
 * often and is added per answer). The JSON is written once, when the model is read, and kept beside it in the near
 * cache, so an answer is written by copying bytes: running Jackson over the 20 models of a board page on every
 * request was most of the page's cost (the page ran at 0.30-0.43 x a bare Javalin serving a body of its size).
 * The bytes are exactly those Jackson writes for an {@link ArticleView} (ArticleJsonTest holds them to it).
 */
public final class ArticleJson {
    // the mapper ctx.json uses, so what is written here is what ctx.json would have written
    private static final ObjectMapper JSON = JavalinJackson.defaultMapper();
    private static final byte[] VIEW_COUNT = bytes(",\"viewCount\":");
    // how Jackson ends an ArticleView written with view count 0: cut off, it leaves the fields
    private static final byte[] ZERO_VIEWS_END = bytes(",\"viewCount\":0}");
    private static final byte[] PAGE_START = bytes("{\"articles\":[");
    private static final byte[] PAGE_COUNT = bytes("],\"articleCount\":");
    private static final byte[] LIST_END = bytes("]}");

    private final ArticleModel model;
    // {"articleId":...,"likeCount":n  - an ArticleView's JSON up to its view count
    private final byte[] fields;

    private ArticleJson(ArticleModel model, byte[] fields) {
        this.model = model;
        this.fields = fields;
    }

    /** An article as answered, with the view count it is answered with. */
    public record Counted(ArticleJson article, long viewCount) {
        public ArticleView view() {
            return ArticleView.of(article.model, viewCount);
        }

        private int length() {
            return article.fields.length + VIEW_COUNT.length + digits(viewCount) + 1;
        }

        private int writeTo(byte[] out, int at) {
            int end = put(out, at, article.fields);
            end = put(out, end, VIEW_COUNT);
            end = putNumber(out, end, viewCount);
            out[end] = '}';
            return end + 1;
        }
    }

    /** Serializes {@code model} once; what to keep in the near cache. */
    public static ArticleJson of(ArticleModel model) {
        byte[] whole = serialize(ArticleView.of(model, 0));
        if (!Arrays.equals(whole, whole.length - ZERO_VIEWS_END.length, whole.length, ZERO_VIEWS_END, 0,
                ZERO_VIEWS_END.length)) {
            // ArticleView's view count is its last field; the bytes below rely on it
            throw new IllegalStateException("an ArticleView's JSON does not end with its view count");
        }
        return new ArticleJson(model, Arrays.copyOf(whole, whole.length - ZERO_VIEWS_END.length));
    }

    /** {@code view} as read from the database (no near cache): its model serialized, with its view count. */
    public static Counted of(ArticleView view) {
        return new Counted(of(new ArticleModel(view.articleId(), view.boardId(), view.writerId(), view.title(),
                view.content(), view.createdAt(), view.modifiedAt(), view.commentCount(), view.likeCount())),
                view.viewCount());
    }

    public ArticleModel model() {
        return model;
    }

    /** Roughly what this takes on the heap: the model, its JSON bytes and the objects around them. */
    public int heapBytes() {
        return ArticleQueries.heapBytes(model) + 16 + fields.length;
    }

    /** By the JSON answered, which says all of the model (the near cache compares what two readers read). */
    @Override
    public boolean equals(Object other) {
        return other instanceof ArticleJson that && Arrays.equals(fields, that.fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields);
    }

    /** One article: what ctx.json writes for an {@link ArticleView}. */
    public static byte[] one(Counted article) {
        byte[] out = new byte[article.length()];
        article.writeTo(out, 0);
        return out;
    }

    /** A board page: what ctx.json writes for {@code {"articles": [...], "articleCount": n}}. */
    public static byte[] page(List<Counted> articles, long articleCount) {
        // sized exactly, so the answer is one array the size of the body (a page is about 14 KB; at thousands of
        // pages a second every copy is garbage the two cores collect)
        byte[] out = new byte[listLength(articles) + PAGE_COUNT.length + digits(articleCount) + 1];
        int end = putNumber(out, put(out, putList(out, articles), PAGE_COUNT), articleCount);
        out[end] = '}';
        return out;
    }

    /** A list of articles: what ctx.json writes for {@code {"articles": [...]}}. */
    public static byte[] list(List<Counted> articles) {
        byte[] out = new byte[listLength(articles) + LIST_END.length];
        put(out, putList(out, articles), LIST_END);
        return out;
    }

    private static int listLength(List<Counted> articles) {
        int length = PAGE_START.length + Math.max(0, articles.size() - 1); // the commas
        for (Counted article : articles) {
            length += article.length();
        }
        return length;
    }

    /** Writes {"articles":[a,b,... (the list still open) and returns where it ended. */
    private static int putList(byte[] out, List<Counted> articles) {
        int end = put(out, 0, PAGE_START);
        for (int i = 0; i < articles.size(); i++) {
            if (i > 0) {
                out[end++] = ',';
            }
            end = articles.get(i).writeTo(out, end);
        }
        return end;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int putNumber(byte[] out, int at, long number) {
        if (number < 0) { // never a count; written as Java does
            return put(out, at, bytes(Long.toString(number)));
        }
        int end = at + digits(number);
        long rest = number;
        for (int i = end - 1; i >= at; i--) {
            out[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        return end;
    }

    private static int digits(long number) {
        if (number < 0) {
            return Long.toString(number).length();
        }
        int digits = 1;
        for (long rest = number; rest >= 10; rest /= 10) {
            digits++;
        }
        return digits;
    }

    private static byte[] serialize(Object value) {
        try {
            // as a String first, as ctx.json does: Jackson's byte writer escapes characters beyond the BMP
            return JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
