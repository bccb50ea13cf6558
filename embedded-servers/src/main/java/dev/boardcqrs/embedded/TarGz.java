package dev.boardcqrs.embedded;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a .tar.gz (ustar, with GNU long names) into a directory: regular files with their executable bit,
 * directories and symbolic links. Enough for the MySQL distribution bundled in a jar, without a library or a
 * tar binary on the machine.
 */
final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {
    }

    static void unpack(InputStream archive, Path target) throws IOException {
        Path root = target.toAbsolutePath().normalize();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(archive, 1 << 16))) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (true) {
                in.readFully(header);
                if (header[0] == 0) {
                    return; // the two zero blocks that end the archive
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                String name = longName != null ? longName : name(header);
                longName = null;
                if (type == 'L') {
                    longName = new String(readPadded(in, size), StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                Path path = root.resolve(name).normalize();
                if (!path.startsWith(root)) {
                    throw new IOException("archive entry outside the target directory: " + name);
                }
                switch (type) {
                    case '5' -> Files.createDirectories(path);
                    case '2' -> {
                        Files.createDirectories(path.getParent());
                        Files.createSymbolicLink(path, Path.of(string(header, 157, 100)));
                    }
                    case '0', '\0' -> {
                        Files.createDirectories(path.getParent());
                        try (OutputStream out = Files.newOutputStream(path)) {
                            copy(in, out, size);
                        }
                        if ((octal(header, 100, 8) & 0100) != 0) {
                            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(path));
                            permissions.add(PosixFilePermission.OWNER_EXECUTE);
                            Files.setPosixFilePermissions(path, permissions);
                        }
                        skip(in, padding(size));
                    }
                    default -> skip(in, size + padding(size)); // pax headers and the like: nothing to create
                }
            }
        }
    }

    private static String name(byte[] header) {
        String prefix = string(header, 345, 155);
        String name = string(header, 0, 100);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String text = string(header, offset, length).trim();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static byte[] readPadded(DataInputStream in, long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        in.readFully(bytes);
        skip(in, padding(size));
        return bytes;
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new EOFException("archive ends inside a file");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static void skip(DataInputStream in, long bytes) throws IOException {
        copy(in, OutputStream.nullOutputStream(), bytes);
    }
}
