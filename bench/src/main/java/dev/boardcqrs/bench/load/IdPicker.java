package dev.boardcqrs.bench.load;

import java.util.SplittableRandom;

/**
 * Picks the ids a load generator requests: {@code uniform:N} (1..N), or {@code skewed:N:STRIDE}, where half of
 * the requests go to the hot ids 1, 1+STRIDE, 1+2*STRIDE... (the articles the seed gave half of all comments
 * and likes) and the other half are uniform.
 */
public record IdPicker(long count, long stride) {
    public IdPicker {
        if (count < 1 || stride < 0) {
            throw new IllegalArgumentException("ids must be uniform:N or skewed:N:STRIDE with N >= 1");
        }
    }

    public static IdPicker parse(String spec) {
        String[] parts = spec.split(":");
        try {
            if (parts.length == 2 && parts[0].equals("uniform")) {
                return new IdPicker(Long.parseLong(parts[1]), 0);
            }
            if (parts.length == 3 && parts[0].equals("skewed")) {
                return new IdPicker(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("ids must be uniform:N or skewed:N:STRIDE, but was '" + spec + "'");
    }

    public long next(SplittableRandom random) {
        if (stride > 0 && random.nextBoolean()) {
            long hot = Math.max(1, count / stride);
            return 1 + random.nextLong(hot) * stride;
        }
        return 1 + random.nextLong(count);
    }

    @Override
    public String toString() {
        return stride == 0 ? "uniform:" + count : "skewed:" + count + ":" + stride;
    }
}
