package dev.baton.conf;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Layering order, unknown keys, wrong types and the one-line messages of the loader. */
class ConfigLoaderTest {
    private final ConfigLoader loader = ConfigLoader.fromClasspath();

    @TempDir
    Path dir;

    private BatonConfigException error(ConfigRequest request) {
        return assertThrows(BatonConfigException.class, () -> loader.load(request));
    }

    private Path file(String name, String text) throws IOException {
        Path path = dir.resolve(name);
        Files.writeString(path, text);
        return path;
    }

    @Test
    void unknownKeyNamesTheKeyAndTheNearestValidOne() {
        BatonConfigException e = error(ConfigRequest.profile(null).withSets("baton.model.num-layer=12"));
        assertTrue(e.getMessage().contains("'baton.model.num-layer'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'baton.model.num-layers'?"), e.getMessage());
        assertTrue(e.getMessage().contains("--set baton.model.num-layer=12"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void keyUnderTheWrongParentSuggestsTheRightParent() {
        BatonConfigException e = error(ConfigRequest.profile(null).withSets("baton.optim.num-layers=12"));
        assertTrue(e.getMessage().contains("did you mean 'baton.model.num-layers'?"), e.getMessage());
        BatonConfigException seed = error(ConfigRequest.profile(null).withSets("baton.devices.seed=3"));
        assertTrue(seed.getMessage().contains("did you mean 'baton.data.seed'?")
                || seed.getMessage().contains("did you mean 'baton.run.seed'?"), seed.getMessage());
    }

    @Test
    void keyWithoutTheBatonPrefixIsUnknownAndGetsThePrefixedSuggestion() {
        BatonConfigException e = error(ConfigRequest.profile(null).withSets("model.model-dim=32"));
        assertTrue(e.getMessage().contains("'model.model-dim'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'baton.model.model-dim'?"), e.getMessage());
    }

    @Test
    void unknownKeyInAFileNamesTheFileAndLine() throws IOException {
        Path conf = file("user.conf", "baton {\n  run {\n    sede = 5\n  }\n}\n");
        BatonConfigException e = error(ConfigRequest.profile(null).withFile(conf));
        assertTrue(e.getMessage().contains("'baton.run.sede'"), e.getMessage());
        assertTrue(e.getMessage().contains("user.conf line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'baton.run.seed'?"), e.getMessage());
    }

    @Test
    void wrongTypeNamesKeyExpectedTypeAndSource() throws IOException {
        Path conf = file("typo.conf", "baton.model.num-layers = twelve\n");
        BatonConfigException e = error(ConfigRequest.profile(null).withFile(conf));
        assertEquals("baton.model.num-layers expects a number but got the string \"twelve\" (from "
                + conf + " line 1)", e.getMessage());

        BatonConfigException set = error(ConfigRequest.profile(null).withSets("baton.optim.adam.lr=fast"));
        assertEquals("baton.optim.adam.lr expects a number but got the string \"fast\" (from --set baton.optim.adam.lr=fast)",
                set.getMessage());

        BatonConfigException list = error(ConfigRequest.profile(null).withSets("baton.model.layout.skip-in=3"));
        assertTrue(list.getMessage().startsWith("baton.model.layout.skip-in expects a list of numbers but got the number 3"),
                list.getMessage());

        BatonConfigException object = error(ConfigRequest.profile(null).withSets("baton.model.softcap=23"));
        assertTrue(object.getMessage().startsWith("baton.model.softcap expects an object"), object.getMessage());
    }

    @Test
    void numericStringsAndBooleanWordsAreAccepted() throws IOException {
        Path conf = file("strings.conf", "baton.model.num-layers = \"9\"\nbaton.trace.enabled = on\n");
        Config config = loader.load(ConfigRequest.profile(null).withFile(conf)).config();
        assertEquals(9, config.getInt("baton.model.num-layers"));
        assertTrue(config.getBoolean("baton.trace.enabled"));
    }

    @Test
    void layersApplyInOrderProfileThenFileThenSystemPropertiesThenSet() throws IOException {
        Path conf = file("layer.conf", "baton.run.seed = 11\nbaton.run.val-every = 12\nbaton.devices.count = 13\n");
        ConfigRequest base = ConfigRequest.profile("tiny-cpu").withFile(conf);

        Config fileOnly = loader.load(base).config();
        assertEquals(11, fileOnly.getInt("baton.run.seed"));
        assertEquals(12, fileOnly.getInt("baton.run.val-every"));   // the file beats the profile's 20
        assertEquals(13, fileOnly.getInt("baton.devices.count"));   // the file beats the profile's 2

        Config withProperties = loader.load(base.withSystemProperties(
                Map.of("baton.run.seed", "21", "baton.devices.count", "23", "java.version", "ignored"))).config();
        assertEquals(21, withProperties.getInt("baton.run.seed"));
        assertEquals(23, withProperties.getInt("baton.devices.count"));

        Config all = loader.load(base.withSystemProperties(Map.of("baton.run.seed", "21"))
                .withSets("baton.run.seed=31", "baton.devices.count=4", "baton.devices.count=5")).config();
        assertEquals(31, all.getInt("baton.run.seed"));            // --set beats -D and the file
        assertEquals(5, all.getInt("baton.devices.count"));        // the last --set wins
        assertEquals(12, all.getInt("baton.run.val-every"));       // untouched by later layers
    }

    @Test
    void profilesLayerOverTheReference() {
        Config tiny = loader.load(ConfigRequest.profile("tiny-cpu")).config();
        assertEquals(64, tiny.getInt("baton.model.model-dim"));             // from the profile
        assertEquals(11, tiny.getInt("baton.model.num-layers"));            // from the reference
        assertEquals("byte260", tiny.getString("baton.data.tokenizer"));
        assertEquals(2, tiny.getInt("baton.devices.count"));
        assertEquals(0.95, tiny.getDouble("baton.optim.normuon.beta2"), 0.0);  // the record's, unchanged

        Config eight = loader.load(ConfigRequest.profile("speedrun-8xh100")).config();
        assertEquals("cuda", eight.getString("baton.devices.kind"));
        assertEquals(8, eight.getInt("baton.devices.count"));
        assertEquals(768, eight.getInt("baton.model.model-dim"));

        Config one = loader.load(ConfigRequest.profile("speedrun-1gpu")).config();  // includes speedrun-8xh100
        assertEquals("cuda", one.getString("baton.devices.kind"));
        assertEquals(1, one.getInt("baton.devices.count"));
        assertEquals(8, one.getInt("baton.run.grad-accum-steps"));
        assertTrue(one.getBoolean("baton.model.lm-head-fp8"));

        Config cluster = loader.load(ConfigRequest.profile("cluster")).config();    // includes tiny-cpu
        assertEquals(2, cluster.getInt("baton.cluster.nodes"));
        assertEquals(64, cluster.getInt("baton.model.model-dim"));
        assertEquals(1, cluster.getInt("baton.devices.count"));
    }

    @Test
    void defaultProfileIsTinyCpu() {
        ResolvedConfig resolved = loader.load(ConfigRequest.profile(null));
        assertEquals("tiny-cpu", resolved.profile());
        assertEquals("demo", resolved.config().getString("baton.data.source"));
    }

    @Test
    void unknownProfileListsTheValidOnes() {
        BatonConfigException e = error(ConfigRequest.profile("nope"));
        assertEquals("unknown profile 'nope'; valid profiles: tiny-cpu, speedrun-8xh100, speedrun-1gpu, cluster, golf-baseline, golf-tiny",
                e.getMessage());
    }

    @Test
    void missingOrUnreadableFileIsOneMessage() throws IOException {
        Path missing = dir.resolve("absent.conf");
        assertEquals("config file not found: " + missing, error(ConfigRequest.profile(null).withFile(missing)).getMessage());
        assertEquals("--config expects a HOCON file, but " + dir + " is a folder",
                error(ConfigRequest.profile(null).withFile(dir)).getMessage());
        Path broken = file("broken.conf", "baton { model { num-layers = 3 }\n");
        BatonConfigException e = error(ConfigRequest.profile(null).withFile(broken));
        assertTrue(e.getMessage().startsWith("cannot read config file " + broken + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void malformedSetIsOneMessage() {
        assertEquals("--set expects KEY=VALUE (e.g. --set baton.run.seed=7), got 'baton.run.seed'",
                error(ConfigRequest.profile(null).withSets("baton.run.seed")).getMessage());
        BatonConfigException e = error(ConfigRequest.profile(null).withSets("baton.model.layout.skip-in=[3,"));
        assertTrue(e.getMessage().startsWith("cannot read the value in --set baton.model.layout.skip-in=[3,: "), e.getMessage());
        BatonConfigException nul = error(ConfigRequest.profile(null).withSets("baton.run.seed=null"));
        assertEquals("baton.run.seed expects a number but is null (from --set baton.run.seed=null)", nul.getMessage());
    }

    @Test
    void setKeepsTypesAndTakesStringsLiterally() {
        Config config = loader.load(ConfigRequest.profile(null).withSets(
                "baton.model.layout.paired-head-layers=[1, 3]",
                "baton.data.train-files=shards/*_train_*.bin",
                "baton.trace.enabled=false",
                "baton.optim.adam.lr=1e-3")).config();
        assertEquals(java.util.List.of(1, 3), config.getIntList("baton.model.layout.paired-head-layers"));
        assertEquals("shards/*_train_*.bin", config.getString("baton.data.train-files"));
        assertFalse(config.getBoolean("baton.trace.enabled"));
        assertEquals(1e-3, config.getDouble("baton.optim.adam.lr"), 0.0);
    }

    @Test
    void substitutionsFollowOverriddenKeys() {
        Config config = loader.load(ConfigRequest.profile(null).withSets("baton.run.work-dir=/tmp/baton-x")).config();
        assertEquals("/tmp/baton-x/checkpoints", config.getString("baton.run.checkpoint-dir"));
        assertEquals("/tmp/baton-x/trace", config.getString("baton.trace.output"));
        assertEquals("work/logs", loader.load(ConfigRequest.profile(null)).config().getString("baton.run.log-dir"));
    }

    @Test
    void keysOutsideTheBatonTreeAreRejected() throws IOException {
        Path conf = file("other.conf", "pekko.loglevel = DEBUG\n");
        BatonConfigException e = error(ConfigRequest.profile(null).withFile(conf));
        assertTrue(e.getMessage().startsWith("unknown key 'pekko.loglevel' in " + conf + " line 1 (Baton reads only keys under 'baton.')"),
                e.getMessage());
    }

    @Test
    void renderIsSortedHoconWithoutComments() {
        String text = loader.load(ConfigRequest.profile(null).withSets("baton.model.num-layers=7")).render();
        assertTrue(text.startsWith("baton {"), text);
        assertTrue(text.contains("num-layers=7"), text);
        assertFalse(text.contains("#"), text);
        assertTrue(text.indexOf("cluster {") < text.indexOf("data {") && text.indexOf("data {") < text.indexOf("devices {"), text);
    }
}
