package dev.boardcqrs.common.config;

/** A setting that cannot be used; the message tells the operator what to change. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
