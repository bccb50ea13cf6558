package dev.boardcqrs.query.search;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.search.SearchRefusedException;
import dev.boardcqrs.common.search.SearchUnavailableException;
import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.query.article.ArticleQueries;
import dev.boardcqrs.query.article.ArticleView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Searches articles: the engine finds the ids (and highlights) in the article index's alias, the articles with their
 * counts come from the article reads, as a board page's do. An article the engine still holds but the models no
 * longer have (deleted a moment ago) is left out. This is a service: no HTTP here.
 */
public final class ArticleSearch {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS_TYPE = new TypeReference<>() {
    };
    private static final List<String> FIELDS = List.of(ArticleSearchIndex.TITLE + "^2", ArticleSearchIndex.CONTENT);

    private final SearchClient client;
    private final String alias;
    private final ArticleQueries articles;

    public ArticleSearch(SearchClient client, SearchIndexes indexes, ArticleQueries articles) {
        this.client = client;
        this.alias = indexes.alias(ArticleSearchIndex.NAME);
        this.articles = articles;
    }

    /**
     * A page of found articles, how many match in all, and the cursor of the next page (null after the last). Each
     * article has the fields GET /articles/{id} answers plus {@code highlights}: its title and best passage of its
     * content with the matched words in {@code <em>} (HTML-escaped otherwise, so they can be shown as HTML).
     */
    public record SearchPage(List<Map<String, Object>> articles, long total, String next) {
    }

    /** {@code boardId}: only that board's articles (null: every board); {@code after}: null for the first page. */
    public SearchPage search(SearchQuery query, Long boardId, SearchSort sort, int pageSize, SearchCursor after) {
        JsonNode answer = send(request(query, boardId, sort, pageSize, after));
        JsonNode hits = answer.path("hits").path("hits");
        List<Long> ids = new ArrayList<>(hits.size());
        Map<Long, JsonNode> highlights = new HashMap<>();
        for (JsonNode hit : hits) {
            long id = Long.parseLong(hit.path("_id").asText());
            ids.add(id);
            highlights.put(id, hit.path("highlight"));
        }
        List<Map<String, Object>> found = new ArrayList<>(ids.size());
        for (ArticleView article : articles.articles(ids)) {
            JsonNode highlight = highlights.get(article.articleId());
            Map<String, Object> snippets = new LinkedHashMap<>();
            snippets.put(ArticleSearchIndex.TITLE, first(highlight, ArticleSearchIndex.TITLE));
            snippets.put(ArticleSearchIndex.CONTENT, first(highlight, ArticleSearchIndex.CONTENT));
            Map<String, Object> fields = JSON.convertValue(article, FIELDS_TYPE);
            fields.put("highlights", snippets);
            found.add(fields);
        }
        String next = null;
        if (hits.size() == pageSize) {
            JsonNode last = hits.get(hits.size() - 1).path("sort");
            next = new SearchCursor(sort, last.get(0).asDouble(), last.get(1).asLong()).encode();
        }
        return new SearchPage(found, answer.path("hits").path("total").path("value").asLong(), next);
    }

    private static String first(JsonNode highlight, String field) {
        JsonNode fragments = highlight == null ? null : highlight.path(field);
        return fragments != null && fragments.isArray() && !fragments.isEmpty() ? fragments.get(0).asText() : null;
    }

    private JsonNode send(Map<String, Object> request) {
        try {
            return client.send("POST", "/" + alias + "/_search", request);
        } catch (SearchUnavailableException e) {
            throw ApiException.unavailable("the search engine is unavailable, try again later");
        } catch (SearchRefusedException e) {
            if ("index_not_found_exception".equals(e.type())) {
                throw ApiException.unavailable("the search index is being built, try again later");
            }
            throw e;
        }
    }

    // Every term goes in as the text of a phrase match (a word is a one-word phrase; Korean words become
    // adjacent bigrams, so "게시글" matches inside "게시글입니다"): no query syntax of the user's reaches the engine.
    private static Map<String, Object> request(SearchQuery query, Long boardId, SearchSort sort, int pageSize,
                                               SearchCursor after) {
        List<Object> must = new ArrayList<>(query.required().stream().map(ArticleSearch::phrase).toList());
        List<Object> mustNot = new ArrayList<>(query.excluded().stream().map(ArticleSearch::phrase).toList());
        mustNot.add(Map.of("term", Map.of(ArticleSearchIndex.DELETED, true))); // tombstones
        Map<String, Object> bool = new LinkedHashMap<>();
        bool.put("must", must);
        bool.put("must_not", mustNot);
        if (boardId != null) {
            bool.put("filter", List.of(Map.of("term", Map.of(ArticleSearchIndex.BOARD_ID, boardId))));
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("size", pageSize);
        request.put("_source", false);
        request.put("track_total_hits", true);
        request.put("query", Map.of("bool", bool));
        request.put("sort", List.of(sort == SearchSort.RECENT
                        ? Map.of(ArticleSearchIndex.CREATED_AT, "desc") // its sort value: epoch milliseconds
                        : Map.of("_score", "desc"),
                Map.of(ArticleSearchIndex.ARTICLE_ID, "desc")));
        if (after != null) {
            request.put("search_after", after.searchAfter());
        }
        request.put("highlight", Map.of("encoder", "html", "pre_tags", List.of("<em>"), "post_tags",
                List.of("</em>"), "fields", Map.of(
                        ArticleSearchIndex.TITLE, Map.of("number_of_fragments", 0),
                        ArticleSearchIndex.CONTENT, Map.of("fragment_size", 150, "number_of_fragments", 1,
                                "no_match_size", 150))));
        return request;
    }

    private static Map<String, Object> phrase(String term) {
        return Map.of("multi_match", Map.of("query", term, "type", "phrase", "fields", FIELDS));
    }
}
