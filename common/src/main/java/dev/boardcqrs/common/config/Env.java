package dev.boardcqrs.common.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads settings from environment variables, each with a default, and rejects bad values with a message
 * that names the variable, the value and what is allowed. Each process turns this into one config record.
 */
public final class Env {
    private final Map<String, String> variables;

    public Env(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /**
     * Reads a process's config from the real environment, or ends the process with one line naming the bad
     * setting (exit code 2), which is what an operator needs rather than a stack trace.
     */
    public static <T> T loadOrExit(String process, Function<Env, T> reader) {
        try {
            return reader.apply(system());
        } catch (ConfigException e) {
            System.err.println(process + ": " + e.getMessage());
            System.exit(2);
            throw e; // not reached
        }
    }

    /** A URL fit for logs: user info and password parameters replaced by ***. */
    public static String redacted(String url) {
        return url.replaceAll("//[^@/]*@", "//***@").replaceAll("(?i)(password|pwd)=[^&;]*", "$1=***");
    }

    /** The variables themselves, for settings passed through by prefix. */
    public Map<String, String> asMap() {
        return variables;
    }

    public String string(String name, String defaultValue) {
        String value = variables.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    /** A setting without a safe default, such as a signing secret. */
    public String required(String name, String what) {
        String value = string(name, null);
        if (value == null) {
            throw new ConfigException(name + " is required: " + what);
        }
        return value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return (int) number(name, defaultValue, min, max);
    }

    public long number(String name, long defaultValue, long min, long max) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw invalid(name, raw, "an integer between " + min + " and " + max);
        }
        if (value < min || value > max) {
            throw invalid(name, raw, "an integer between " + min + " and " + max);
        }
        return value;
    }

    /** A TCP port; 0 asks the operating system for a free one. */
    public int port(String name, int defaultValue) {
        return integer(name, defaultValue, 0, 65535);
    }

    /**
     * A duration written as a number with a unit (250ms, 10s, 5m, 2h, 1d) or in ISO-8601 (PT10M).
     */
    public Duration duration(String name, Duration defaultValue) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        Duration value = Durations.parse(raw);
        if (value == null || value.isNegative()) {
            throw invalid(name, raw, "a duration such as 500ms, 10s, 5m, 1d or PT10M");
        }
        return value;
    }

    public String oneOf(String name, String defaultValue, Set<String> allowed) {
        String value = string(name, defaultValue);
        if (value != null && !allowed.contains(value)) {
            throw invalid(name, value, "one of " + allowed);
        }
        return value;
    }

    private static ConfigException invalid(String name, String value, String expected) {
        return new ConfigException(name + " must be " + expected + ", but was '" + value + "'");
    }
}
