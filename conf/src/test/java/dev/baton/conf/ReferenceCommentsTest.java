package dev.baton.conf;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reference.conf documents every key: each key has its own comment, or (for the fields of table
 * entries) an enclosing object's comment has a line {@code <key>: ...} describing it.
 */
class ReferenceCommentsTest {
    private static final List<String> SECTIONS = List.of("model", "optim", "data", "run", "devices", "cluster", "trace",
            "golf");

    @Test
    void referenceIncludesOneFilePerSection() throws IOException {
        String text = resourceText("reference.conf");
        Matcher include = Pattern.compile("(\\w+) \\{ include required\\(classpath\\(\"baton/(\\w+)\\.conf\"\\)\\) }").matcher(text);
        List<String> included = new ArrayList<>();
        while (include.find()) {
            assertEquals(include.group(1), include.group(2), "section and file name agree");
            included.add(include.group(1));
        }
        assertEquals(SECTIONS, included);
    }

    @Test
    void everyKeyHasAComment() {
        ConfigObject root = ConfigFactory.parseResources("reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false)).root();
        List<String> undocumented = new ArrayList<>();
        int[] checked = {0};
        visit("baton", root.get("baton"), List.of(), undocumented, checked);
        assertEquals(List.of(), undocumented, "keys without a comment");
        assertTrue(checked[0] > 100, "walked " + checked[0] + " keys");  // the whole tree, includes followed
    }

    private static void visit(String path, ConfigValue value, List<List<String>> ancestorComments,
                              List<String> undocumented, int[] checked) {
        checked[0]++;
        List<String> own = value.origin().comments();
        String key = path.substring(path.lastIndexOf('.') + 1);
        boolean documented = own.stream().anyMatch(line -> !line.isBlank())
                || ancestorComments.stream().flatMap(List::stream)
                .anyMatch(line -> line.trim().startsWith(key + ":"));
        if (!documented) {
            undocumented.add(path);
        }
        if (value instanceof ConfigObject object) {
            List<List<String>> inner = new ArrayList<>(ancestorComments);
            inner.add(own);
            for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
                visit(path + "." + entry.getKey(), entry.getValue(), inner, undocumented, checked);
            }
        }
    }

    private static String resourceText(String name) throws IOException {
        try (InputStream in = ReferenceCommentsTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, name + " on the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
