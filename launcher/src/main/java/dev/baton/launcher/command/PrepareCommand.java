package dev.baton.launcher.command;

import dev.baton.runtime.data.DataException;
import dev.baton.runtime.data.demo.DemoCorpus;
import dev.baton.runtime.data.prepare.DocSeparator;
import dev.baton.runtime.data.prepare.DocumentSource;
import dev.baton.runtime.data.prepare.PrepareSpec;
import dev.baton.runtime.data.prepare.PrepareSummary;
import dev.baton.runtime.data.prepare.ShardPreparer;
import dev.baton.runtime.report.ProgressBar;
import dev.baton.runtime.tokenizer.Tokenizer;
import dev.baton.runtime.tokenizer.UnknownTokenizerException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code baton prepare}: turns text into train and val token shards plus a meta.json naming the tokenizer. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
        description = {"Turns text into token shards (modded-nanogpt format) and a meta.json naming the tokenizer.",
                "INPUT is a text file (.gz allowed), a folder of .txt files, or JSON lines (.jsonl) with a \"text\" field."})
public final class PrepareCommand implements Callable<Integer> {
    static final int BAD_INPUT = 2;

    @Parameters(index = "0", arity = "0..1", paramLabel = "INPUT", description = "Text file, folder of .txt files, or .jsonl file.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Output folder (default: data/<name>; with --demo: <work-dir>/demo/<tokenizer>).")
    Path output;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Shard file prefix: NAME_train_000000.bin (default: the input's base name).")
    String name;

    @Option(names = "--tokenizer", paramLabel = "NAME", defaultValue = "gpt2",
            description = "gpt2 (GPT-2 BPE, BOS 50256), byte260 (bytes + 4 specials, BOS 1) or sp:FILE.model "
                    + "(a SentencePiece BPE model, e.g. parameter golf's fineweb_1024_bpe.model; BOS from the model). "
                    + "Default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(names = "--doc-separator", paramLabel = "RULE",
            description = "How plain text splits into documents: blank-line (paragraphs; default for a file), "
                    + "file (one per file; default for a folder) or line.")
    String docSeparator;

    @Option(names = "--val-share", paramLabel = "FRACTION", defaultValue = "0.005",
            description = "Share of documents for validation, spread evenly, at least one. Default: ${DEFAULT-VALUE}.")
    double valShare;

    @Option(names = "--shard-tokens", paramLabel = "N", defaultValue = "100000000",
            description = "Tokens per shard. Default: ${DEFAULT-VALUE}.")
    int shardTokens;

    @Option(names = "--max-docs", paramLabel = "N", defaultValue = "0",
            description = "Stop after N documents (0: all).")
    long maxDocs;

    @Option(names = "--force", description = "Replace data prepared earlier in the output folder.")
    boolean force;

    @Option(names = "--demo", description = "Prepare the embedded King James Bible corpus (cached: done once per tokenizer).")
    boolean demo;

    @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "work",
            description = "Work folder for --demo. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    private final PrintStream out;
    private final PrintStream err;

    public PrepareCommand() {
        this(System.out, System.err);
    }

    PrepareCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        try {
            Tokenizer tok = Tokenizer.named(tokenizer);
            if (demo) {
                return prepareDemo(tok);
            }
            if (input == null) {
                return fail("give an INPUT (text file, folder or .jsonl) or --demo; see baton prepare --help");
            }
            DocSeparator separator = docSeparator == null ? null : DocSeparator.parse(docSeparator);
            String shardName = name != null ? name : baseName(input);
            Path dir = output != null ? output : Path.of("data", shardName);
            PrepareSpec spec;
            try {
                spec = new PrepareSpec(dir, shardName, valShare, shardTokens, maxDocs, force);
            } catch (IllegalArgumentException e) {
                return fail(e.getMessage());
            }
            try (DocumentSource source = DocumentSource.open(input, separator)) {
                PrepareSummary summary = new ShardPreparer(tok).prepare(source, spec,
                        total -> ProgressBar.on(err, "prepare", total));
                out.println(summary.describe());
            }
            return 0;
        } catch (DataException | UnknownTokenizerException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("cannot read " + input + ": " + e.getMessage());
        }
    }

    private int prepareDemo(Tokenizer tok) {
        if (input != null || output != null) {
            return fail("--demo prepares the embedded corpus into <work-dir>/demo/<tokenizer>; drop INPUT and --output");
        }
        boolean cached = DemoCorpus.isPrepared(workDir, tok);
        Path dir = DemoCorpus.prepare(workDir, tok, total -> ProgressBar.on(err, "prepare demo", total));
        out.println((cached ? "demo corpus already prepared in " : "demo corpus prepared in ") + dir);
        return 0;
    }

    private int fail(String message) {
        err.println("baton prepare: " + message);
        return BAD_INPUT;
    }

    /** "kjv_chapters.txt.gz" → "kjv_chapters"; a folder keeps its name. */
    static String baseName(Path input) {
        Path fileName = input.toAbsolutePath().normalize().getFileName();
        String base = fileName == null ? "data" : fileName.toString();
        for (String ext : new String[] {".gz", ".jsonl", ".json", ".txt"}) {
            if (base.endsWith(ext) && base.length() > ext.length()) {
                base = base.substring(0, base.length() - ext.length());
            }
        }
        base = base.replaceAll("[^A-Za-z0-9._-]", "_");
        return base.isEmpty() || !Character.isLetterOrDigit(base.charAt(0)) ? "data" + base : base;
    }
}
