package dev.boardcqrs.projector.source.kafka;

import dev.boardcqrs.projector.redis.ProjectorRedis;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A projector's Redis whose commits can be held: while {@link #hold()} is on, every EXEC waits (its WATCH and reads
 * done, its commands queued) until {@link #release()}, as a slow or stalled Redis connection would make it; then it
 * goes to Redis as it was. Interrupts do not end the wait: the commit was sent, and it lands whatever the projector
 * decided meanwhile. Everything else goes to Redis at once. A proxy, so the test names only the call it changes.
 */
final class SlowRedis {
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch held = new CountDownLatch(0);

    /** From now on, commits wait for {@link #release()}. */
    void hold() {
        held = new CountDownLatch(1);
    }

    /** The held commits (and later ones) go to Redis. */
    void release() {
        held.countDown();
    }

    /** How many commits are waiting now. */
    int waiting() {
        return waiting.get();
    }

    ProjectorRedis around(ProjectorRedis redis) {
        return proxy(ProjectorRedis.class, redis, (target, method, args) -> {
            Object result = invoke(target, method, args);
            return result instanceof ProjectorRedis.Transaction transaction
                    ? proxy(ProjectorRedis.Transaction.class, transaction, this::execWhenReleased) : result;
        });
    }

    private Object execWhenReleased(Object transaction, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("exec")) {
            awaitRelease();
        }
        return invoke(transaction, method, args);
    }

    private void awaitRelease() {
        waiting.incrementAndGet();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    held.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            waiting.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        Object on(Object target, Method method, Object[] args) throws Throwable;
    }

    private static <T> T proxy(Class<T> type, T target, Call call) {
        InvocationHandler handler = (proxy, method, args) -> call.on(target, method, args);
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
