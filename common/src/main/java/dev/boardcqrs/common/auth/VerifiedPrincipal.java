package dev.boardcqrs.common.auth;

import java.util.Set;

/** Whom a verified token speaks for: its subject ({@code sub}) and the roles its {@code roles} claim grants. */
public record VerifiedPrincipal(String subject, Set<String> roles) {

    public VerifiedPrincipal {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
