package dev.boardcqrs.projector.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.boardcqrs.common.search.ArticleSearchIndex;
import dev.boardcqrs.common.search.HttpSearchClient;
import dev.boardcqrs.common.search.SearchClient;
import dev.boardcqrs.common.search.SearchIndexes;
import dev.boardcqrs.common.search.SearchSettings;
import dev.boardcqrs.common.source.Positions;
import dev.boardcqrs.embedded.SharedServers;
import dev.boardcqrs.projector.articlesearch.ArticleSearchProjection;
import dev.boardcqrs.projector.source.RowChange;
import dev.boardcqrs.projector.source.RowChange.Operation;
import dev.boardcqrs.projector.source.SourcePosition;
import dev.boardcqrs.projector.store.StoreBatch;
import dev.boardcqrs.projector.store.StoreBatch.Building;
import dev.boardcqrs.projector.store.StoreDataLostException;
import dev.boardcqrs.projector.store.StreamTakenOverException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The search store against a real OpenSearch node: versions, tombstones, watermark, generations. */
class SearchStoreIT {
    private static SearchClient client;

    @BeforeAll
    static void engine() {
        client = new HttpSearchClient(new SearchSettings(true, URI.create(SharedServers.search().url()), null, null,
                Duration.ofSeconds(30)));
    }

    @Test
    void shouldNotLetAReplayedInsertBringADeletedArticleBackAfterTheEngineForgotTheDelete() throws Exception {
        SearchIndexes indexes = new SearchIndexes("replay");
        String inserted = Positions.stream(1, 1000, 1, 0);
        String deleted = Positions.stream(1, 2000, 1, 0);
        SearchStore store = activeWith(indexes, inserted, change(Operation.CREATE, null, article(7, "검색엔진을"), 1000));
        commit(store, inserted, deleted, Building.UNCHANGED, change(Operation.DELETE, article(7, "검색엔진을"), null, 2000));

        // the engine forgets a delete's version after index.gc_deletes; make that now, and prune on refresh
        String index = indexes.index("articles", "g1");
        client.send("PUT", "/" + index + "/_settings", Map.of("index", Map.of("gc_deletes", "0ms")));
        client.send("POST", "/" + index + "/_refresh", null);

        // the old insert again: as a dead letter retried late, and in a batch replayed from an old offset
        store.retry(change(Operation.CREATE, null, article(7, "검색엔진을"), 1000), null);
        commit(store, deleted, Positions.stream(1, 3000, 1, 0), Building.UNCHANGED,
                change(Operation.CREATE, null, article(7, "검색엔진을"), 1000));
        client.send("POST", "/" + index + "/_refresh", null);

        JsonNode document = client.get("/" + index + "/_doc/7").orElseThrow();
        assertThat(document.path("_source").path("deleted").asBoolean()).as("still the tombstone: " + document)
                .isTrue();
        assertThat(liveDocuments(index)).isZero();
    }

    @Test
    void shouldPurgeOnlyTombstonesOlderThanTheWatermarkAndThanEveryDeadLetterOfTheStore() throws Exception {
        SearchIndexes indexes = new SearchIndexes("purge");
        // the changes' own positions (see change()): a version comes from the change's position
        String inserted = Positions.stream(1, 1000, 1, 0);
        String deleted = Positions.stream(1, 2000, 1, 0);
        String other = Positions.stream(1, 3000, 1, 0);
        String last = Positions.stream(1, 4000, 1, 0);
        SearchStore store = activeWith(indexes, inserted, change(Operation.CREATE, null, article(21, "a"), 1000));
        commit(store, inserted, deleted, Building.UNCHANGED, change(Operation.DELETE, article(21, "a"), null, 2000));
        commit(store, deleted, other, Building.UNCHANGED, change(Operation.CREATE, null, article(22, "b"), 3000));
        // the last committed change is a delete: its tombstone is at the watermark, which may still be redelivered
        commit(store, other, last, Building.UNCHANGED, change(Operation.DELETE, article(22, "b"), null, 4000));
        String index = indexes.index("articles", "g1");
        client.send("POST", "/" + index + "/_refresh", null);

        assertThat(store.purgeTombstones(List.of(Positions.stream(1, 1500, 1, 0))))
                .as("a dead letter older than the delete could still be retried").isZero();
        assertThat(store.purgeTombstones(List.of())).isEqualTo(1);

        assertThat(client.get("/" + index + "/_doc/21")).as("purged").isEmpty();
        assertThat(client.get("/" + index + "/_doc/22").orElseThrow().path("_source").path("deleted").asBoolean())
                .as("the tombstone at the watermark stays").isTrue();
    }

    @Test
    void shouldAddTheTombstoneVersionToAnIndexMadeBeforeItSoDeletesAreNotRefused() throws Exception {
        SearchIndexes indexes = new SearchIndexes("upgrade");
        store(indexes, "g1").startBuilding();
        // the index as the definition made it before tombstones carried their version (its mapping is strict)
        String index = indexes.index("articles", "g1");
        String older = ArticleSearchIndex.definition().replace(",\n      \"deletedVersion\": {\"type\": \"long\"}", "");
        assertThat(older).doesNotContain("deletedVersion");
        client.send("DELETE", "/" + index, null);
        client.send("PUT", "/" + index, older);
        client.send("POST", "/_aliases", Map.of("actions", List.of(Map.of("add", Map.of("index", index, "alias",
                indexes.alias("articles"))))));

        // a projector of the new version starts on it: the delete's tombstone is taken, not refused
        SearchStore restarted = store(indexes, "g1");
        String inserted = Positions.stream(1, 5100, 1, 0);
        commit(restarted, null, inserted, Building.UNCHANGED, change(Operation.CREATE, null, article(31, "a"), 5100));
        commit(restarted, inserted, Positions.stream(1, 5200, 1, 0), Building.UNCHANGED,
                change(Operation.DELETE, article(31, "a"), null, 5200));

        assertThat(client.get("/" + index + "/_doc/31").orElseThrow().path("_source").path("deletedVersion")
                .isNumber()).isTrue();
    }

    @Test
    void shouldRefuseAnOlderChangeAndApplyANewerOne() throws Exception {
        SearchIndexes indexes = new SearchIndexes("versions");
        SearchStore store = store(indexes, "g1");
        store.startBuilding();
        String second = Positions.stream(2, 600, 1, 0);
        commit(store, null, second, Building.UNCHANGED, change(Operation.UPDATE, article(8, "old"), article(8, "newer"), 600));
        commit(store, second, Positions.stream(2, 700, 0, 0), Building.UNCHANGED,
                change(Operation.UPDATE, article(8, "x"), article(8, "older"), 500));

        assertThat(client.get("/" + indexes.index("articles", "g1") + "/_doc/8").orElseThrow()
                .path("_source").path("title").asText()).isEqualTo("newer");
        assertThat(store.watermark()).isEqualTo(Positions.stream(2, 700, 0, 0));
    }

    @Test
    void shouldReportItsDataLostWhenItsWatermarkIsGone() throws Exception {
        SearchIndexes indexes = new SearchIndexes("lost");
        String first = Positions.stream(3, 100, 1, 0);
        SearchStore store = activeWith(indexes, first, change(Operation.CREATE, null, article(9, "a"), 100));
        client.send("DELETE", "/" + indexes.meta(), null);

        assertThatThrownBy(() -> commit(store, first, Positions.stream(3, 200, 1, 0), Building.UNCHANGED,
                change(Operation.CREATE, null, article(10, "b"), 200))).isInstanceOf(StoreDataLostException.class);
    }

    @Test
    void shouldReportItsDataLostWhenAnotherProjectorMovedItsWatermarkBetweenTwoOfItsBatches() throws Exception {
        SearchIndexes indexes = new SearchIndexes("twowriters");
        String first = Positions.stream(6, 100, 1, 0);
        String second = Positions.stream(6, 200, 1, 0);
        SearchStore store = activeWith(indexes, first, change(Operation.CREATE, null, article(13, "a"), 100));
        // a second projector on the same generation (an overlapping deploy, say) commits the next batch
        commit(store(indexes, "g1"), first, second, Building.UNCHANGED,
                change(Operation.UPDATE, article(13, "a"), article(13, "b"), 200));

        // this store remembers its own last watermark, but its meta write is conditional on it and is refused
        assertThatThrownBy(() -> commit(store, first, Positions.stream(6, 300, 1, 0), Building.UNCHANGED,
                change(Operation.UPDATE, article(13, "b"), article(13, "c"), 300)))
                .isInstanceOf(StoreDataLostException.class);
        assertThat(store.watermark()).as("the other projector's watermark stands").isEqualTo(second);
    }

    @Test
    void shouldMoveTheAliasToARebuiltGenerationOnceItIsLevelAndRemoveTheOldIndex() throws Exception {
        SearchIndexes indexes = new SearchIndexes("rebuild");
        SearchStore active = activeWith(indexes, Positions.stream(4, 900, 1, 0),
                change(Operation.CREATE, null, article(11, "a"), 900));
        assertThat(aliasTarget(indexes)).isEqualTo(indexes.index("articles", "g1"));

        SearchStore rebuilt = store(indexes, "g2");
        AtomicInteger tookOver = new AtomicInteger();
        rebuilt.takeOverWhenLevel(tookOver::incrementAndGet);
        rebuilt.startBuilding();
        String snapshot = Positions.snapshot(4, 800);
        commit(rebuilt, null, Positions.snapshotRow(snapshot, 1), Building.STARTED,
                change(Operation.READ, null, article(11, "a"), 800));
        assertThat(aliasTarget(indexes)).as("not level yet: still building").isEqualTo(indexes.index("articles", "g1"));
        commit(rebuilt, Positions.snapshotRow(snapshot, 1), Positions.stream(4, 950, 1, 0), Building.FINISHED,
                change(Operation.UPDATE, article(11, "a"), article(11, "b"), 950));

        assertThat(aliasTarget(indexes)).isEqualTo(indexes.index("articles", "g2"));
        assertThat(tookOver).hasValue(1);
        active.remove();
        assertThat(client.get("/" + indexes.index("articles", "g1"))).isEmpty();
        assertThat(active.watermark()).isNull();
    }

    @Test
    void shouldDeleteTheIndexAGenerationBuiltInPlaceTakesTheAliasFrom() throws Exception {
        SearchIndexes indexes = new SearchIndexes("inplace");
        activeWith(indexes, Positions.stream(5, 100, 1, 0), change(Operation.CREATE, null, article(12, "a"), 100));

        // as after Redis lost its data: a new generation is built in place, and nothing remembers g1
        store(indexes, "g2").startBuilding();

        assertThat(aliasTarget(indexes)).isEqualTo(indexes.index("articles", "g2"));
        assertThat(client.get("/" + indexes.index("articles", "g1"))).isEmpty();
    }

    @Test
    void shouldMakeWhatItCommitsSearchableThroughItsRefresherNotTheEnginesSchedule() throws Exception {
        SearchIndexes indexes = new SearchIndexes("refreshed");
        String index = indexes.index("articles", "g1");
        try (SearchRefresher refresher = new SearchRefresher(client, Duration.ofMillis(100)).start()) {
            SearchStore store = new SearchStore(client, indexes, "g1", List.of(new ArticleSearchProjection()),
                    Duration.ZERO, refresher);
            store.startBuilding();
            commit(store, null, Positions.stream(7, 100, 1, 0), Building.UNCHANGED,
                    change(Operation.CREATE, null, article(41, "refreshed"), 100));

            assertThat(client.get("/" + index + "/_settings").orElseThrow().path(index).path("settings")
                    .path("index").path("refresh_interval").asText())
                    .as("the engine's own schedule, a backstop").isEqualTo(SearchRefresher.ENGINE_INTERVAL);
            await().atMost(Duration.ofSeconds(10)).until(() -> liveDocuments(index) == 1);
        }
    }

    @Test
    void shouldRefuseAZombiesCommitOfAStreamItsNewOwnerCommittedSinceAndNotAnotherStreamsCommit() throws Exception {
        SearchIndexes indexes = new SearchIndexes("zombie");
        store(indexes, "g1").startBuilding(); // as a Kafka-mode generation is built in place
        SearchStore zombie = streamStore(indexes, "g1", "topic-0");
        commit(zombie, null, offset(1), Building.UNCHANGED, change(Operation.CREATE, null, article(51, "a"), 100));
        // another partition's commit changes the one meta document: only read again, not a take-over
        commit(streamStore(indexes, "g1", "topic-1"), null, offset(1), Building.UNCHANGED,
                change(Operation.CREATE, null, article(52, "b"), 150));
        commit(zombie, offset(1), offset(2), Building.UNCHANGED,
                change(Operation.UPDATE, article(51, "a"), article(51, "b"), 200));

        // a rebalance gave topic-0 to another instance, which read offset 2 and committed offset 3
        SearchStore owner = streamStore(indexes, "g1", "topic-0");
        assertThat(owner.watermark()).isEqualTo(offset(2));
        commit(owner, offset(2), offset(3), Building.UNCHANGED,
                change(Operation.UPDATE, article(51, "b"), article(51, "c"), 300));

        // the zombie has not noticed and commits what it read after offset 2 (offset 3 alone would be the same
        // records the owner committed, taken as applied)
        assertThatThrownBy(() -> commit(zombie, offset(2), offset(4), Building.UNCHANGED,
                change(Operation.UPDATE, article(51, "c"), article(51, "d"), 400)))
                .isInstanceOf(StreamTakenOverException.class);
        assertThat(owner.watermark()).as("the new owner's position stands").isEqualTo(offset(3));
        assertThat(streamStore(indexes, "g1", "topic-1").watermark()).isEqualTo(offset(1));
    }

    @Test
    void shouldPurgeTombstonesOfSeveralStreamsOnlyBelowTheLowestOfTheirPositions() throws Exception {
        SearchIndexes indexes = new SearchIndexes("streampurge");
        store(indexes, "g1").startBuilding();
        SearchStore first = streamStore(indexes, "g1", "topic-0");
        SearchStore second = streamStore(indexes, "g1", "topic-1");
        commit(first, null, offset(1), Building.UNCHANGED, change(Operation.CREATE, null, article(61, "a"), 1000));
        commit(first, offset(1), offset(2), Building.UNCHANGED, change(Operation.DELETE, article(61, "a"), null, 2000));
        commit(first, offset(2), offset(3), Building.UNCHANGED, change(Operation.CREATE, null, article(62, "b"), 4000));
        commit(second, null, offset(1), Building.UNCHANGED, change(Operation.CREATE, null, article(63, "c"), 1500));
        String index = indexes.index("articles", "g1");
        client.send("POST", "/" + index + "/_refresh", null);

        // the second partition's next record may carry any position after 1500, below the delete at 2000
        assertThat(store(indexes, "g1").purgeTombstones(List.of())).isZero();
        commit(second, offset(1), offset(2), Building.UNCHANGED,
                change(Operation.UPDATE, article(63, "c"), article(63, "d"), 3000));

        assertThat(store(indexes, "g1").purgeTombstones(List.of())).isEqualTo(1);
        assertThat(client.get("/" + index + "/_doc/61")).as("purged").isEmpty();
        // what a lane opened now skips as sent again: the purged delete's insert (1000) comes by the first partition
        assertThat(streamStore(indexes, "g1", "topic-0").streamed()).isEqualTo(positionOf(4000));
        assertThat(streamStore(indexes, "g1", "topic-1").streamed()).isEqualTo(positionOf(3000));
    }

    private static String positionOf(long binlogPosition) {
        return change(Operation.CREATE, null, article(1, "a"), binlogPosition).position().sortKey();
    }

    /** Generation g1, built in place (readers use it), holding {@code change} with {@code watermark}. */
    private static SearchStore activeWith(SearchIndexes indexes, String watermark, RowChange change)
            throws InterruptedException {
        SearchStore store = store(indexes, "g1");
        store.startBuilding();
        commit(store, null, watermark, Building.UNCHANGED, change);
        return store;
    }

    private static SearchStore store(SearchIndexes indexes, String generation) {
        return new SearchStore(client, indexes, generation, List.of(new ArticleSearchProjection()));
    }

    /** The store of one stream of {@code generation}, as Kafka mode opens one per partition. */
    private static SearchStore streamStore(SearchIndexes indexes, String generation, String stream) {
        return new SearchStore(client, indexes, generation, List.of(new ArticleSearchProjection()), Duration.ZERO,
                new SearchRefresher(client, Duration.ZERO), stream);
    }

    /** A Kafka offset as a stream's position in the stores (StreamOffsets). */
    private static String offset(long offset) {
        return Positions.padded(offset, 19);
    }

    private static void commit(SearchStore store, String expected, String watermark, Building building,
                               RowChange change) throws InterruptedException {
        List<?> refused = store.commit(new StoreBatch(List.of(new StoreBatch.Positioned(change,
                change.position().sortKey(), change.position().snapshot())), expected, watermark, building),
                refusals -> {
                    throw new AssertionError("unplannable: " + refusals);
                });
        assertThat(refused).isEmpty();
    }

    private static String aliasTarget(SearchIndexes indexes) {
        return client.get("/_alias/" + indexes.alias("articles")).orElseThrow().fieldNames().next();
    }

    private static long liveDocuments(String index) {
        return client.get("/" + index + "/_count?q=NOT%20deleted:true").orElseThrow().path("count").asLong();
    }

    private static Map<String, Object> article(long id, String title) {
        Map<String, Object> row = new HashMap<>();
        row.put("article_id", id);
        row.put("board_id", 1L);
        row.put("writer_id", 2L);
        row.put("title", title);
        row.put("content", "content of " + id);
        row.put("created_at", LocalDateTime.parse("2026-12-01T10:00:00.000"));
        row.put("modified_at", LocalDateTime.parse("2026-12-01T10:00:00.000"));
        return row;
    }

    private static RowChange change(Operation operation, Map<String, Object> before, Map<String, Object> after,
                                    long position) {
        boolean snapshot = operation == Operation.READ;
        return new RowChange("article", operation, before, after,
                new SourcePosition("bin.000001", position, snapshot ? 0 : 1, 0, null, snapshot, false), 0);
    }
}
