package dev.boardcqrs.query.article;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.board.ArticleModel;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes ArticleJson writes are the bytes ctx.json wrote for the same answers before it existed. */
class ArticleJsonTest {
    private static final ObjectMapper CTX_JSON = JavalinJackson.defaultMapper();

    /** The page answer ctx.json used to write. */
    private record Page(List<ArticleView> articles, long articleCount) {
    }

    private static final ArticleModel PLAIN = new ArticleModel(7, 1, 42, "title", "content",
            "2026-12-01T10:00:00", "2026-12-01T10:05:00", 3, 4);
    // escapes, text beyond Latin-1 and beyond the BMP, control characters, a missing modification time
    private static final ArticleModel AWKWARD = new ArticleModel(Long.MAX_VALUE, 2, 3,
            "\"quoted\" \\ back/slash </script>", "게시판 😀 \u0001\t\n\r end", "2026-12-01T10:00:00", null,
            0, Long.MAX_VALUE);

    @Test
    void shouldBeEqualExactlyWhenTheModelsAnswerAlike() {
        ArticleModel oneMoreComment = new ArticleModel(7, 1, 42, "title", "content",
                "2026-12-01T10:00:00", "2026-12-01T10:05:00", 4, 4);

        assertThat(ArticleJson.of(PLAIN)).isEqualTo(ArticleJson.of(PLAIN))
                .hasSameHashCodeAs(ArticleJson.of(PLAIN))
                .isNotEqualTo(ArticleJson.of(oneMoreComment));
    }

    @Test
    void shouldWriteAnArticleAsCtxJsonWroteItsView() throws Exception {
        for (ArticleModel model : List.of(PLAIN, AWKWARD)) {
            for (long views : List.of(0L, 9L, 10L, 123_456L, Long.MAX_VALUE)) {
                ArticleJson.Counted counted = new ArticleJson.Counted(ArticleJson.of(model), views);

                assertThat(text(ArticleJson.one(counted)))
                        .isEqualTo(CTX_JSON.writeValueAsString(ArticleView.of(model, views)));
            }
        }
    }

    @Test
    void shouldWriteABoardPageAsCtxJsonWroteIt() throws Exception {
        List<ArticleJson.Counted> articles = List.of(new ArticleJson.Counted(ArticleJson.of(PLAIN), 0),
                new ArticleJson.Counted(ArticleJson.of(AWKWARD), -1));
        Page page = new Page(List.of(ArticleView.of(PLAIN, 0), ArticleView.of(AWKWARD, -1)), 9_876_543_210L);

        assertThat(text(ArticleJson.page(articles, 9_876_543_210L))).isEqualTo(CTX_JSON.writeValueAsString(page));
        assertThat(text(ArticleJson.page(List.of(), 0))).isEqualTo(CTX_JSON.writeValueAsString(new Page(List.of(), 0)));
    }

    @Test
    void shouldWriteAScrollListAsCtxJsonWroteIt() throws Exception {
        List<ArticleJson.Counted> articles = List.of(new ArticleJson.Counted(ArticleJson.of(AWKWARD), 5),
                new ArticleJson.Counted(ArticleJson.of(PLAIN), 6));

        assertThat(text(ArticleJson.list(articles))).isEqualTo(CTX_JSON.writeValueAsString(
                Map.of("articles", List.of(ArticleView.of(AWKWARD, 5), ArticleView.of(PLAIN, 6)))));
        assertThat(text(ArticleJson.list(List.of()))).isEqualTo(CTX_JSON.writeValueAsString(
                Map.of("articles", List.of())));
    }

    @Test
    void shouldAnswerADatabaseViewWithTheSameBytesAsItsModel() {
        ArticleView view = ArticleView.of(AWKWARD, 77);

        assertThat(ArticleJson.one(ArticleJson.of(view)))
                .isEqualTo(ArticleJson.one(new ArticleJson.Counted(ArticleJson.of(AWKWARD), 77)));
    }

    private static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
