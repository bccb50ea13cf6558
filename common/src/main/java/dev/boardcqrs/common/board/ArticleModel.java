package dev.boardcqrs.common.board;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The article query model: the article row plus its comment and like counts, stored as one Redis hash
 * whose field names are the JSON names query-api answers with. Times are ISO-8601 local date-times in UTC.
 */
public record ArticleModel(
        long articleId,
        long boardId,
        long writerId,
        String title,
        String content,
        String createdAt,
        String modifiedAt,
        long commentCount,
        long likeCount) {

    public static final String COMMENT_COUNT = "commentCount";
    public static final String LIKE_COUNT = "likeCount";

    /** The fields that come from the article row; the counts are maintained separately. */
    public static Map<String, String> rowFields(long articleId, long boardId, long writerId, String title,
                                                String content, String createdAt, String modifiedAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("articleId", Long.toString(articleId));
        fields.put("boardId", Long.toString(boardId));
        fields.put("writerId", Long.toString(writerId));
        fields.put("title", title);
        fields.put("content", content);
        fields.put("createdAt", createdAt);
        fields.put("modifiedAt", modifiedAt);
        return fields;
    }

    /** Reads a model hash; a hash without the row fields (never written whole) is not a model. */
    public static ArticleModel fromHash(Map<String, String> hash) {
        if (hash == null || !hash.containsKey("articleId")) {
            return null;
        }
        return new ArticleModel(
                Long.parseLong(hash.get("articleId")),
                Long.parseLong(hash.get("boardId")),
                Long.parseLong(hash.get("writerId")),
                hash.get("title"),
                hash.get("content"),
                hash.get("createdAt"),
                hash.get("modifiedAt"),
                Long.parseLong(hash.getOrDefault(COMMENT_COUNT, "0")),
                Long.parseLong(hash.getOrDefault(LIKE_COUNT, "0")));
    }
}
