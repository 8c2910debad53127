#!/usr/bin/env python3
"""Makes the SentencePiece parity data for Baton's Java tokenizer (runtime test resources).

Usage: make_sp_testdata.py CORPUS.txt.gz OUT_DIR

Trains two small BPE models on the demo corpus (the King James Bible, one chapter per line,
chapters separated by blank lines) with Python `sentencepiece`, then writes to OUT_DIR:

  sp1024_kjv.model       the parameter-golf recipe (fineweb_1024_bpe's trainer settings:
                         bpe, vocab 1024, character_coverage 0.999, byte_fallback, split_digits,
                         nmt_nfkc, no dummy prefix, pad 0 / bos 1 / eos 2 / unk 3, soft vocab limit)
  sp384_identity.model   a contrast model: identity normalisation, dummy prefix on, extra
                         whitespace kept, vocab 384 (exercises the other normaliser branches)
  sp_cases.json          per model: ids, pieces and decode(ids) for a few-KB test text and for
                         short edge cases (non-ASCII, digits, newlines, repeated spaces, characters
                         absent from the corpus so byte fallback fires), plus the byte-accounting
                         tables exactly as the challenge's build_sentencepiece_luts builds them
  sp1024_chapters.tsv    for every corpus chapter: token count and CRC-32 of its ids
                         (little-endian int32), a wide parity check at a few bytes per chapter

The trainer sees sentences (chapters split after . ! ?) because sentencepiece skips training
lines longer than max_sentence_length (4192 bytes); encoding is unaffected by that choice.
"""
import gzip
import json
import re
import shutil
import struct
import sys
import tempfile
import zlib
from pathlib import Path

import sentencepiece as spm

GOLF_RECIPE = dict(
    model_type="bpe",
    vocab_size=1024,
    character_coverage=0.999,
    byte_fallback=True,
    split_digits=True,
    normalization_rule_name="nmt_nfkc",
    add_dummy_prefix=False,
    pad_id=0,
    bos_id=1,
    eos_id=2,
    unk_id=3,
    hard_vocab_limit=False,
)

CONTRAST_RECIPE = dict(
    model_type="bpe",
    vocab_size=384,
    character_coverage=1.0,
    byte_fallback=True,
    normalization_rule_name="identity",
    add_dummy_prefix=True,
    remove_extra_whitespaces=False,
    hard_vocab_limit=False,
)


def chapters(corpus: Path) -> list[str]:
    with gzip.open(corpus, "rt", encoding="utf-8") as f:
        text = f.read()
    return [c.strip() for c in text.split("\n\n") if c.strip()]


def sentences(chs: list[str]):
    for ch in chs:
        for s in re.split(r"(?<=[.!?])\s+", ch):
            if s.strip():
                yield s.strip()


def train(chs: list[str], recipe: dict, out: Path) -> spm.SentencePieceProcessor:
    with tempfile.TemporaryDirectory() as tmp:
        prefix = Path(tmp) / "m"
        spm.SentencePieceTrainer.train(sentence_iterator=sentences(chs), model_prefix=str(prefix),
                                       num_threads=8, minloglevel=2, **recipe)
        shutil.copyfile(prefix.with_suffix(".model"), out)
    return spm.SentencePieceProcessor(model_file=str(out))


def test_text() -> str:
    """A few KB mixing corpus-like prose with everything the corpus lacks."""
    parts = [
        "In the beginning God created the heaven and the earth.\n",
        "And the earth was without form, and void;  and darkness was upon the face of the deep.\n\n",
        "   Leading spaces, trailing spaces   \n",
        "\tTabs\tbetween\twords,\r\nWindows line ends\r\nand a vertical\x0btab and a form\x0cfeed.\n",
        "Digits: 1611, 3:16, 144,000 and 0123456789; phone +1 (555) 010-9999.\n",
        "Accents: Café, naïve, façade, Straße, Ångström, œuvre, São Paulo, Dvořák.\n",
        "Combining: e\u0301 vs \u00e9, A\u030a vs \u00c5.\n",
        "Greek: Ἐν ἀρχῇ ἦν ὁ λόγος. Cyrillic: В начале было Слово. Hebrew: בְּרֵאשִׁית בָּרָא.\n",
        "CJK: 太初有道，道与神同在。 Japanese: はじめに言があった。 Korean: 태초에 말씀이 계시니라.\n",
        "Emoji and astral: 🙏✨🕊️ 𝔊𝔬𝔡 𝐁𝐨𝐥𝐝 👨‍👩‍👧.\n",
        "Compatibility forms: ﬁnal ﬂow ﬀ, ＡＢＣ１２３, x² H₂O ½ ¾ Ⅻ ™ ℃ ㎏ ①.\n",
        "Spaces: no\u00a0break, em\u2003space, thin\u2009space, zero\u200bwidth, soft\u00adhyphen, bom\ufeffhere.\n",
        "Controls: bell\x07 escape\x1b null-free del\x7f.\n",
        "Quotes: \u201csmart\u201d \u2018single\u2019 \u2014 em dash \u2013 en dash \u2026 ellipsis \u00abguillemets\u00bb.\n",
        "Meta: the space symbol \u2581 itself, \u2581\u2581twice, literal <unk> <s> </s> <pad> <0x41>.\n",
        "Symbols: @#$%^&*_+=[]{}|\\/~`<> and math ∑∫√∞≠≤≥ and arrows ←→↑↓.\n",
        "Multiple     spaces      collapse?     \n\n\n\n",
        "And God said, Let there be light: and there was light. " * 3,
        "\nThe LORD is my shepherd; I shall not want. He maketh me to lie down in green pastures.\n",
        "UPPER CASE WORDS AND MiXeD cAsE wOrDs, hyphen-ated, apostrophe's, O'Neill.\n",
        "End with trailing whitespace   \n\t ",
    ]
    text = "".join(parts)
    # grow to a few KB with more prose and every odd byte sequence repeated once more
    return text + "\n" + text[::-1][:1500] + "\n" + text


EDGE_CASES = [
    "", " ", "   ", "\n", "\n\n", "\t", "a", " a", "a ", "  hello   world  ", "hello\nworld",
    "1234567890", "2024-11-25", "½", "😀", "ﬁ", "\u200b", "\u2581", "\u2581\u2581x", "x\u0301",
    "<s>", "<unk>", "\u00a0\u00a0nbsp", "ＡＢＣ", "Ω", "\x00", "a\x00b",
    "And God said, Let there be light: and there was light.",
    "Jesus wept.", "In the beginning was the Word, and the Word was with God.",
]


def luts(sp: spm.SentencePieceProcessor) -> dict:
    """build_sentencepiece_luts of the challenge's train_gpt.py, as plain lists."""
    n = sp.vocab_size()
    base = [0] * n
    lead = [False] * n
    boundary = [True] * n
    for i in range(n):
        if sp.is_control(i) or sp.is_unknown(i) or sp.is_unused(i):
            continue
        boundary[i] = False
        if sp.is_byte(i):
            base[i] = 1
            continue
        piece = sp.id_to_piece(i)
        if piece.startswith("\u2581"):
            lead[i] = True
            piece = piece[1:]
        base[i] = len(piece.encode("utf-8"))
    return {"base_bytes": base, "has_leading_space": lead, "is_boundary": boundary}


def counted_bytes(ids: list[int], t: dict, bos: int) -> int:
    """The challenge's byte count of a document [BOS] + ids, scored on every target."""
    seq = [bos] + ids
    total = 0
    for prev, tgt in zip(seq[:-1], seq[1:]):
        total += t["base_bytes"][tgt] + int(t["has_leading_space"][tgt] and not t["is_boundary"][prev])
    return total


def case(sp: spm.SentencePieceProcessor, text: str, t: dict) -> dict:
    try:
        ids = sp.encode(text, out_type=int)
    except Exception as e:  # recorded, not fatal: the run is costly to repeat
        return {"text": text, "error": repr(e)}
    out = {"text": text, "ids": ids, "pieces": [sp.id_to_piece(i) for i in ids], "decoded": sp.decode(ids),
           "counted_bytes": counted_bytes(ids, t, max(sp.bos_id(), 0))}
    try:
        out["normalized"] = sp.normalize(text)
    except AttributeError:
        pass
    return out


def describe(name: str, sp: spm.SentencePieceProcessor, texts: list[str]) -> dict:
    t = luts(sp)
    return {
        "model": name,
        "vocab_size": sp.vocab_size(),
        "bos_id": sp.bos_id(), "eos_id": sp.eos_id(), "unk_id": sp.unk_id(), "pad_id": sp.pad_id(),
        "luts": t,
        "cases": [case(sp, x, t) for x in texts],
    }


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    chs = chapters(corpus)
    golf = train(chs, GOLF_RECIPE, out / "sp1024_kjv.model")
    contrast = train(chs, CONTRAST_RECIPE, out / "sp384_identity.model")
    texts = [test_text()] + EDGE_CASES
    data = {
        "sentencepiece_version": spm.__version__,
        "models": [describe("sp1024_kjv.model", golf, texts), describe("sp384_identity.model", contrast, texts)],
    }
    (out / "sp_cases.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                                       encoding="utf-8")
    with (out / "sp1024_chapters.tsv").open("w", encoding="utf-8") as f:
        f.write("# chapter index (blank-line separated, stripped)\ttoken count\tCRC-32 of ids as <i4\n")
        for i, ch in enumerate(chs):
            ids = golf.encode(ch, out_type=int)
            f.write(f"{i}\t{len(ids)}\t{zlib.crc32(struct.pack(f'<{len(ids)}i', *ids)):08x}\n")
    print("sentencepiece", spm.__version__, "chapters", len(chs), "test text chars", len(texts[0]),
          "golf ids", len(data["models"][0]["cases"][0]["ids"]))
    for p in sorted(out.iterdir()):
        print(p.name, p.stat().st_size)


if __name__ == "__main__":
    main()
