package dev.boardcqrs.projector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.boardcqrs.common.auth.HmacTokenIssuer;
import dev.boardcqrs.common.redis.KeyScheme;
import dev.boardcqrs.projector.admin.OperatorAccess;
import dev.boardcqrs.common.config.Env;
import dev.boardcqrs.projector.ProjectorConfig;
import dev.boardcqrs.projector.ReadModels;
import dev.boardcqrs.projector.source.debezium.ServerKind;
import dev.boardcqrs.projector.source.kafka.ConnectorConfig;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.deadletter.DeadLetters;
import dev.boardcqrs.projector.redis.ProjectorRedis;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The operator commands of cdc-projector, run against a projector that is running with the same environment:
 * {@code status}, {@code rebuild}, {@code replay}, {@code deadletters [retry]}. Each prints what it sees and returns the process exit code.
 * The commands that change something send the operator credential the same environment gives: the admin token, or
 * else a short-lived operator token signed with {@code JWT_SECRET}.
 */
public final class OperatorCommands {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ProjectorConfig config;
    private final ProjectorRedis redis;
    private final PrintStream out;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    /** Commands for the projector at PROJECTOR_HOST:PROJECTOR_PORT of {@code config}. */
    public OperatorCommands(ProjectorConfig config, ProjectorRedis redis, PrintStream out) {
        this(config, redis, out, "http://" + ("0.0.0.0".equals(config.host()) ? "127.0.0.1" : config.host()) + ":"
                + config.port());
    }

    public OperatorCommands(ProjectorConfig config, ProjectorRedis redis, PrintStream out, String baseUrl) {
        this.config = config;
        this.redis = redis;
        this.out = out;
        this.baseUrl = baseUrl;
    }

    public int run(String... args) throws IOException, InterruptedException {
        if (args.length == 1 && args[0].equals("status")) {
            return status();
        }
        if (args.length == 1 && args[0].equals("rebuild")) {
            return rebuild();
        }
        if (args.length == 3 && args[0].equals("replay") && args[1].equals("--from")) {
            return replay(args[2]);
        }
        if (args.length == 1 && args[0].equals("deadletters")) {
            return listDeadLetters();
        }
        if (args.length == 2 && args[0].equals("deadletters") && args[1].equals("retry")) {
            return retryDeadLetters();
        }
        if (args.length == 1 && args[0].equals("connector-config")) {
            return connectorConfig();
        }
        out.println("usage: cdc-projector [status | rebuild | replay --from FILE:POSITION|gtid:SET"
                + " | deadletters | deadletters retry | connector-config]"
                + "   (no argument: run the projector)");
        return 2;
    }

    /**
     * Prints the connector's configuration for Kafka Connect's REST API, for the database and topics this
     * environment names (it needs neither Redis nor a running projector).
     */
    private int connectorConfig() {
        ServerKind kind;
        try {
            kind = switch (config.connector()) {
                case "mysql" -> ServerKind.MYSQL;
                case "mariadb" -> ServerKind.MARIADB;
                default -> ServerKind.detect(config.databaseUrl(), config.databaseUser(), config.databasePassword());
            };
        } catch (SQLException e) {
            System.err.println("cdc-projector: cannot ask the database at " + Env.redacted(config.databaseUrl())
                    + " whether it is MySQL or MariaDB (" + e.getMessage() + "); set PROJECTOR_CONNECTOR=mysql|mariadb");
            return 1;
        }
        out.println(ConnectorConfig.json(ConnectorConfig.render(config, config.kafka(), kind,
                ReadModels.tables(ReadModels.redis(config)), ReadModels.orderingGroups())));
        return 0;
    }

    private int status() throws IOException, InterruptedException {
        JsonNode status = projectorStatus();
        if (status == null) {
            return 1;
        }
        String generation = status.path("generation").asText();
        KeyScheme keys = new KeyScheme(config.namespace()).inGeneration(generation);
        out.println("state        " + status.path("state").asText());
        out.println("applied      " + status.path("lastPosition").asText("nothing yet") + lag(status));
        out.println("source end   " + status.path("sourceBinlogEnd").asText());
        out.println("watermark    " + status.path("watermark").asText("none"));
        out.println("models       " + redis.countMatching(keys.everything(), key -> !key.equals(keys.meta()))
                + " keys in generation " + generation
                + " of namespace '" + config.namespace() + "'"
                + ("1".equals(redis.hget(keys.meta(), "building")) ? ", being built (readers use SQL)" : ""));
        out.println("changes      " + status.path("streamedChanges").asLong() + " streamed, "
                + status.path("snapshotRows").asLong() + " snapshot rows, "
                + status.path("redeliveredChangesSkipped").asLong() + " redelivered and skipped");
        if (!status.path("snapshotProgress").isNull()) {
            out.println("snapshot     " + status.path("snapshotProgress").asText());
        }
        JsonNode rebuild = status.path("rebuild");
        if (!rebuild.isMissingNode()) {
            out.println("rebuild      into generation " + rebuild.path("generation").asText() + ": "
                    + rebuild.path("snapshotProgress").asText(rebuild.path("state").asText()));
        }
        out.println("dead letters " + status.path("deadLetters").asLong()
                + (status.path("deadLetters").asLong() > 0 ? " (list: cdc-projector deadletters)" : ""));
        return 0;
    }

    // Read from the stream directly: the list must work while the projector is down, too.
    private int listDeadLetters() {
        List<DeadLetter> letters = new DeadLetters(redis, new KeyScheme(config.namespace()), Clock.systemUTC()).list();
        for (DeadLetter letter : letters) {
            out.println(letter.id() + "  " + letter.operation() + " on " + letter.table() + " at " + letter.position()
                    + "  attempts " + letter.attempts() + "  failed " + letter.failedAt());
            out.println("    error  " + letter.error());
            out.println("    before " + letter.before());
            out.println("    after  " + letter.after());
        }
        out.println(letters.size() + " dead letters" + (letters.isEmpty() ? "" : "; retry: cdc-projector deadletters retry"));
        return 0;
    }

    private int retryDeadLetters() throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            response = http.send(adminRequest("/deadletters/retry").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            return notRunning();
        }
        JsonNode result = MAPPER.readTree(response.body());
        if (response.statusCode() != 200) {
            out.println("retry refused: " + result.path("error").asText(response.body()));
            return 1;
        }
        out.println("applied      " + result.path("applied").size() + " (removed from the dead letters)");
        out.println("failing      " + result.path("failed").size() + " (kept with the new error)");
        out.println("not retried  " + result.path("notRetryable").size() + " (records that are not row changes, and "
                + "changes a read model cannot apply from stored rows: `rebuild` reads the current rows)");
        return result.path("failed").isEmpty() ? 0 : 1;
    }

    private int rebuild() throws IOException, InterruptedException {
        JsonNode before = projectorStatus();
        if (before == null) {
            return 1;
        }
        HttpResponse<String> response;
        try {
            response = http.send(adminRequest("/rebuild").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            return notRunning();
        }
        if (response.statusCode() != 202) {
            out.println("rebuild refused: " + MAPPER.readTree(response.body()).path("error").asText(response.body()));
            return 1;
        }
        String generation = MAPPER.readTree(response.body()).path("generation").asText();
        out.println("rebuild started: generation " + generation + " is filled from the source anew while generation "
                + before.path("generation").asText() + " keeps serving");
        long started = System.nanoTime();
        while (true) {
            JsonNode status = projectorStatus();
            if (status == null) {
                return 1;
            }
            if (generation.equals(status.path("generation").asText())) {
                out.println("rebuild done in " + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; "
                        + status.path("snapshotRows").asLong() + " snapshot rows; readers use generation " + generation);
                return 0;
            }
            JsonNode rebuild = status.path("rebuild");
            if (!generation.equals(rebuild.path("generation").asText())) {
                out.println("rebuild abandoned: generation " + generation + " is no longer being built (see the "
                        + "projector's log)");
                return 1;
            }
            if (!rebuild.path("failure").isNull() && !rebuild.path("failure").isMissingNode()) {
                out.println("rebuild failed: " + rebuild.path("failure").asText());
                return 1;
            }
            out.println("snapshot     " + rebuild.path("snapshotProgress").asText(rebuild.path("state").asText()));
            Thread.sleep(500);
        }
    }

    private int replay(String from) throws IOException, InterruptedException {
        HttpResponse<String> response;
        try {
            // in Kafka mode the projector answers once Kafka Connect has stopped the connector (at most 60 s) and run it again
            response = http.send(adminRequest("/replay?from=" + URLEncoder.encode(from, StandardCharsets.UTF_8))
                    .timeout(Duration.ofSeconds(90)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            return notRunning();
        }
        if (response.statusCode() != 202) {
            out.println("replay refused: " + MAPPER.readTree(response.body()).path("error").asText(response.body()));
            return 1;
        }
        out.println("replaying from " + from + "; changes the models already contain are skipped");
        return 0;
    }

    private JsonNode projectorStatus() throws IOException, InterruptedException {
        try {
            HttpResponse<String> response = http.send(request("/status").GET().build(), HttpResponse.BodyHandlers.ofString());
            return MAPPER.readTree(response.body());
        } catch (ConnectException e) {
            notRunning();
            return null;
        }
    }

    private int notRunning() {
        out.println("cdc-projector is not running at " + baseUrl() + "; start it with the same environment (to build "
                + "the query models anew, run `rebuild` once it runs)");
        return 1;
    }

    private String lag(JsonNode status) {
        long sourceTime = status.path("lastSourceTimeMillis").asLong();
        return sourceTime == 0 ? "" : " (committed at the source " + (System.currentTimeMillis() - sourceTime) + " ms ago)";
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpRequest.Builder adminRequest(String path) {
        HttpRequest.Builder request = request(path);
        operatorCredential().ifPresent(token -> request.header("Authorization", "Bearer " + token));
        return request;
    }

    // without either, the projector answers 403 naming the settings, and the command prints that
    private Optional<String> operatorCredential() {
        OperatorAccess access = config.access();
        if (access.adminToken() != null) {
            return Optional.of(access.adminToken());
        }
        if (access.jwt() != null && access.jwt().secret() != null) {
            return Optional.of(new HmacTokenIssuer(access.jwt(), Clock.systemUTC())
                    .issue("cdc-projector-cli", List.of(access.operatorRole()), Duration.ofMinutes(5)));
        }
        return Optional.empty();
    }

    private String baseUrl() {
        return baseUrl;
    }
}
