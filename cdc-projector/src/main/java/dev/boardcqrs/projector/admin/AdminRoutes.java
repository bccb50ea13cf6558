package dev.boardcqrs.projector.admin;

import dev.boardcqrs.common.web.ApiException;
import dev.boardcqrs.projector.Projector;
import dev.boardcqrs.projector.apply.ProjectorStatus;
import dev.boardcqrs.projector.deadletter.DeadLetter;
import dev.boardcqrs.projector.generation.Generation;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * The projector's HTTP endpoint: /health and /status for people and monitors, and the operator commands
 * (`cdc-projector rebuild`, `replay`, `deadletters`). Handlers parse, call the projector, respond and throw; the
 * endpoint binds to 127.0.0.1 unless configured otherwise.
 */
public final class AdminRoutes {
    private AdminRoutes() {
    }

    public static void register(RoutesConfig routes, Projector projector) {
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
        routes.post("/deadletters/retry", ctx -> ctx.json(projector.retryDeadLetters()));
        routes.post("/replay", ctx -> {
            String from = ctx.queryParam("from");
            if (from == null || from.isBlank()) {
                throw ApiException.badRequest("from is required: FILE:POSITION or gtid:SET");
            }
            projector.replay(from);
            ctx.status(202).json(Map.of("status", "replaying", "from", from));
        });
        routes.post("/rebuild", ctx -> {
            Generation building = projector.rebuild("requested by an operator");
            ctx.status(202).json(Map.of("status", "rebuilding", "generation", building.name(),
                    "progress", "GET /status"));
        });
    }
}
