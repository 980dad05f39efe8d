package dev.cryo.image.codec;

import dev.cryo.image.Checkpoint;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The versioned binary form of a {@link Checkpoint}.
 *
 * <p>The image is a tree of records; this codec walks their components in declaration order, so a new
 * {@code *Entry} record needs no serialization code of its own. Supported component types: int, long,
 * boolean, String, byte[], long[], enums, records, sealed interfaces of records, and Lists of those.
 * Objects may be null (one presence byte). Layout changes bump {@link Checkpoint#FORMAT_VERSION}; a
 * reader refuses any other version with a clear message.
 */
public final class ImageCodec {
    private static final byte[] MAGIC = "CRYOIMG\0".getBytes(StandardCharsets.US_ASCII);
    private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Constructor<?>> CONSTRUCTORS = new ConcurrentHashMap<>();

    private ImageCodec() {}

    public static byte[] encode(Checkpoint checkpoint) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(Checkpoint.FORMAT_VERSION);
            writeRecord(out, checkpoint);
        } catch (IOException e) {
            throw new AssertionError("writing to memory", e);
        }
        return bytes.toByteArray();
    }

    public static Checkpoint decode(byte[] image) throws ImageFormatException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(image))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new ImageFormatException("not a Cryo checkpoint image");
            }
            int version = in.readInt();
            if (version != Checkpoint.FORMAT_VERSION) {
                throw new ImageFormatException("image format version " + version + " is not supported (this Cryo reads "
                        + Checkpoint.FORMAT_VERSION + ")");
            }
            Checkpoint c = (Checkpoint) readRecord(in, Checkpoint.class);
            if (in.available() != 0) {
                throw new ImageFormatException("image has " + in.available() + " trailing bytes");
            }
            return c;
        } catch (EOFException e) {
            throw new ImageFormatException("image is truncated", e);
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            throw new ImageFormatException("image is damaged: " + e.getMessage(), e);
        }
    }

    private static RecordComponent[] components(Class<?> type) {
        return COMPONENTS.computeIfAbsent(type, Class::getRecordComponents);
    }

    private static void writeRecord(DataOutputStream out, Object record) throws IOException {
        for (RecordComponent c : components(record.getClass())) {
            Object value;
            try {
                value = c.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            writeValue(out, c.getGenericType(), value);
        }
    }

    private static void writeValue(DataOutputStream out, Type type, Object value) throws IOException {
        if (type == int.class) {
            out.writeInt((Integer) value);
        } else if (type == long.class) {
            out.writeLong((Long) value);
        } else if (type == boolean.class) {
            out.writeBoolean((Boolean) value);
        } else {
            out.writeBoolean(value != null);
            if (value == null) return;
            Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
            if (raw == String.class) {
                byte[] b = ((String) value).getBytes(StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            } else if (raw == byte[].class) {
                byte[] b = (byte[]) value;
                out.writeInt(b.length);
                out.write(b);
            } else if (raw == long[].class) {
                long[] a = (long[]) value;
                out.writeInt(a.length);
                for (long v : a) out.writeLong(v);
            } else if (raw == List.class) {
                Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
                List<?> list = (List<?>) value;
                out.writeInt(list.size());
                for (Object o : list) writeValue(out, element, o);
            } else if (raw == Integer.class) {
                out.writeInt((Integer) value);
            } else if (raw.isEnum()) {
                out.writeUTF(((Enum<?>) value).name());
            } else if (raw.isSealed()) {
                out.writeUTF(value.getClass().getSimpleName());
                writeRecord(out, value);
            } else if (raw.isRecord()) {
                writeRecord(out, value);
            } else {
                throw new IllegalArgumentException("image codec cannot write " + type);
            }
        }
    }

    private static Object readRecord(DataInputStream in, Class<?> type) throws IOException, ReflectiveOperationException {
        RecordComponent[] cs = components(type);
        Object[] args = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            args[i] = readValue(in, cs[i].getGenericType());
        }
        Constructor<?> ctor = CONSTRUCTORS.computeIfAbsent(type, t -> {
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) types[i] = cs[i].getType();
            try {
                return t.getDeclaredConstructor(types);
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        });
        return ctor.newInstance(args);
    }

    private static Object readValue(DataInputStream in, Type type) throws IOException, ReflectiveOperationException {
        if (type == int.class) return in.readInt();
        if (type == long.class) return in.readLong();
        if (type == boolean.class) return in.readBoolean();
        if (!in.readBoolean()) return null;
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) return new String(readBytes(in), StandardCharsets.UTF_8);
        if (raw == byte[].class) return readBytes(in);
        if (raw == long[].class) {
            long[] a = new long[length(in, 8)];
            for (int i = 0; i < a.length; i++) a[i] = in.readLong();
            return a;
        }
        if (raw == List.class) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            int n = length(in, 1);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) list.add(readValue(in, element));
            return Collections.unmodifiableList(list);
        }
        if (raw == Integer.class) return in.readInt();
        if (raw.isEnum()) {
            String name = in.readUTF();
            for (Object c : raw.getEnumConstants()) {
                if (((Enum<?>) c).name().equals(name)) return c;
            }
            throw new IOException("unknown " + raw.getSimpleName() + " " + name);
        }
        if (raw.isSealed()) {
            String name = in.readUTF();
            for (Class<?> sub : raw.getPermittedSubclasses()) {
                if (sub.getSimpleName().equals(name)) return readRecord(in, sub);
            }
            throw new IOException("unknown " + raw.getSimpleName() + " kind " + name);
        }
        if (raw.isRecord()) return readRecord(in, raw);
        throw new IOException("image codec cannot read " + type);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        byte[] b = new byte[length(in, 1)];
        in.readFully(b);
        return b;
    }

    /** A length prefix, checked against what is left so a damaged image cannot ask for gigabytes. */
    private static int length(DataInputStream in, int elementSize) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * elementSize > in.available()) {
            throw new EOFException("length " + n + " runs past the end");
        }
        return n;
    }
}
