package dev.boardcqrs.projector.admin;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.generation.Generation;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The projector's HTTP endpoint: /health and /status for people and monitors, and the operator commands
 * (`cdc-projector rebuild`, `replay`, `deadletters`). Handlers parse, call the projector, respond and throw; the
 * endpoint binds to 127.0.0.1 unless configured otherwise. Reads are open; the POSTs change the read side for
 * everyone and need an operator ({@link OperatorAuthorization}), and each is logged with who asked.
 */
public final class AdminRoutes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);

    private AdminRoutes() {
    }

    public static void register(RoutesConfig routes, Projector projector, OperatorAuthorization operators) {
        routes.get("/health", ctx -> {
            ProjectorStatus status = projector.status();
            if (status.state() == ProjectorStatus.State.FAILED) {
                throw ApiException.unavailable("projector failed: " + status.toMap().get("failure"));
            }
            ctx.json(Map.of("status", "UP", "state", status.state().name()));
        });
        routes.get("/status", ctx -> ctx.json(projector.statusBody()));
        routes.get("/deadletters", ctx -> ctx.json(Map.of("deadLetters",
                projector.deadLetters().list().stream().map(DeadLetter::toMap).toList())));
        routes.post("/deadletters/retry", ctx -> {
            operator(ctx, operators);
            ctx.json(projector.retryDeadLetters());
        });
        routes.post("/replay", ctx -> {
            operator(ctx, operators);
            String from = ctx.queryParam("from");
            if (from == null || from.isBlank()) {
                throw ApiException.badRequest("from is required: FILE:POSITION or gtid:SET");
            }
            projector.replay(from);
            ctx.status(202).json(Map.of("status", "replaying", "from", from));
        });
        routes.post("/rebuild", ctx -> {
            String operator = operator(ctx, operators);
            Generation building = projector.rebuild("requested by " + operator);
            ctx.status(202).json(Map.of("status", "rebuilding", "generation", building.name(),
                    "progress", "GET /status"));
        });
    }

    /** Who asks, when an operator does; throws 401 or 403 otherwise. */
    private static String operator(Context ctx, OperatorAuthorization operators) {
        String subject = operators.requireOperator(ctx).subject();
        log.info("{} {} by operator {}", ctx.method(), ctx.path(), subject);
        return subject;
    }
}
