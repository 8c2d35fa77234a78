package io.chatkpi.ingest.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The project's SQL, all in one place on the classpath under {@code sql/}: {@code schema/} (numbered migrations)
 * and {@code queries/} (named queries with {@link SqlTemplate} placeholders). Works from target/classes and from a
 * jar (the shaded jobs jar, the launcher's classpath).
 */
public final class SqlResources {

    public static final String ROOT = "sql/";
    private static final Pattern MIGRATION_NAME = Pattern.compile("(\\d+)_([A-Za-z0-9_]+)\\.sql");
    private static final Pattern STATEMENT_END = Pattern.compile(";[ \\t]*$");

    private SqlResources() {
    }

    /** The text of {@code sql/<path>}, e.g. {@code load("queries/queue_volumes.sql")}. */
    public static String load(String path) {
        String resource = ROOT + path;
        try (InputStream in = classLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no SQL resource " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The .sql files of a folder under {@code sql/} (e.g. "schema", "queries"), as paths like "schema/001_x.sql". */
    public static List<String> list(String folder) {
        String dir = ROOT + (folder.endsWith("/") ? folder : folder + "/");
        TreeSet<String> names = new TreeSet<>();
        try {
            Enumeration<URL> urls = classLoader().getResources(dir.substring(0, dir.length() - 1));
            while (urls.hasMoreElements()) {
                URL url = urls.nextElement();
                switch (url.getProtocol()) {
                    case "file" -> {
                        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql"))
                                .forEach(names::add);
                        }
                    }
                    case "jar" -> {
                        JarURLConnection connection = (JarURLConnection) url.openConnection();
                        connection.setUseCaches(false);
                        try (JarFile jar = connection.getJarFile()) {
                            Enumeration<JarEntry> entries = jar.entries();
                            while (entries.hasMoreElements()) {
                                String name = entries.nextElement().getName();
                                if (name.startsWith(dir) && name.endsWith(".sql")
                                    && name.indexOf('/', dir.length()) < 0) {
                                    names.add(name.substring(dir.length()));
                                }
                            }
                        }
                    }
                    default -> throw new IllegalStateException("cannot list SQL resources at " + url);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        return names.stream().map(n -> prefix + n).toList();
    }

    /** The schema migrations in version order. */
    public static List<Migration> schema() {
        List<Migration> migrations = new ArrayList<>();
        for (String path : list("schema")) {
            String file = path.substring(path.lastIndexOf('/') + 1);
            Matcher m = MIGRATION_NAME.matcher(file);
            if (!m.matches()) {
                throw new IllegalStateException("schema file " + path + " is not named <version>_<name>.sql");
            }
            migrations.add(new Migration(Integer.parseInt(m.group(1)), m.group(2), path, load(path)));
        }
        migrations.sort(java.util.Comparator.comparingInt(Migration::version));
        for (int i = 1; i < migrations.size(); i++) {
            if (migrations.get(i).version() == migrations.get(i - 1).version()) {
                throw new IllegalStateException("two schema files with version " + migrations.get(i).version()
                    + ": " + migrations.get(i - 1).path() + ", " + migrations.get(i).path());
            }
        }
        return migrations;
    }

    /**
     * The statements of a file: lines whose first non-blank characters are {@code --} are dropped, and a statement
     * ends with a {@code ;} at the end of a line. (So no {@code ;} at a line end inside a string literal, and no
     * {@code --} comment after a statement's {@code ;}.) check-sql.js splits the same way.
     */
    public static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\\R", -1)) {
            if (line.strip().startsWith("--")) {
                continue;
            }
            Matcher end = STATEMENT_END.matcher(line);
            if (end.find()) {
                current.append(line, 0, end.start());
                addIfNotBlank(statements, current);
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        addIfNotBlank(statements, current);
        return statements;
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            statements.add(s);
        }
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SqlResources.class.getClassLoader();
    }

    /** One schema file: {@code <version>_<name>.sql}. */
    public record Migration(int version, String name, String path, String sql) {
        public List<String> statements() {
            return SqlResources.statements(sql);
        }

        public String checksum() {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(sql.getBytes(StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(digest);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
