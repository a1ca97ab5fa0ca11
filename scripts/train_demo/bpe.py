"""A byte-level BPE tokenizer trained here, encoded exactly as Tern's engine encodes a GGUF `gpt2`
vocabulary: the Llama-3 pre-tokenizer, GPT-2's byte-to-unicode mapping, merges by rank (leftmost
first on ties) and ignore_merges (a pre-token that is a whole vocabulary entry is taken as is).
"""
import collections

import regex

# Llama-3's pre-tokenizer (the engine's llama3_pretokenize implements the same pattern).
PRETOKENIZE = regex.compile(
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]
SPECIAL_SPLIT = regex.compile("(" + "|".join(regex.escape(s) for s in SPECIALS) + ")")


def bytes_to_unicode():
    """GPT-2's reversible map of the 256 bytes onto printable characters."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("\xa1"), ord("\xac") + 1)) + \
        list(range(ord("\xae"), ord("\xff") + 1))
    chars = keep[:]
    n = 0
    for b in range(256):
        if b not in keep:
            keep.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(keep, map(chr, chars)))


BYTE_CHAR = bytes_to_unicode()


def mapped(text):
    return "".join(BYTE_CHAR[b] for b in text.encode("utf-8"))


class Tokenizer:
    def __init__(self, merges):
        self.merges = merges  # list of (left, right) in the mapped alphabet, by rank
        self.rank = {pair: i for i, pair in enumerate(merges)}
        self.tokens = [BYTE_CHAR[b] for b in range(256)] + [a + b for a, b in merges] + SPECIALS
        self.id = {t: i for i, t in enumerate(self.tokens)}
        self.bos, self.eos, self.eot = (self.id[s] for s in SPECIALS)
        self.cache = {}

    def encode_pretoken(self, piece):
        if piece in self.cache:
            return self.cache[piece]
        m = mapped(piece)
        if m in self.id:
            ids = [self.id[m]]
        else:
            symbols = list(m)
            while len(symbols) > 1:
                best = min(range(len(symbols) - 1),
                           key=lambda i: self.rank.get((symbols[i], symbols[i + 1]), 1 << 30))
                pair = (symbols[best], symbols[best + 1])
                if pair not in self.rank:
                    break
                merged, i = [], 0
                while i < len(symbols):
                    if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                        merged.append(symbols[i] + symbols[i + 1])
                        i += 2
                    else:
                        merged.append(symbols[i])
                        i += 1
                symbols = merged
            ids = [self.id[s] for s in symbols]
        self.cache[piece] = ids
        return ids

    def encode(self, text, add_bos=True, parse_special=True):
        out = [self.bos] if add_bos else []
        parts = SPECIAL_SPLIT.split(text) if parse_special else [text]
        for part in parts:
            if part in SPECIALS and parse_special:
                out.append(self.id[part])
                continue
            for piece in PRETOKENIZE.findall(part):
                out.extend(self.encode_pretoken(piece))
        return out

    def decode(self, ids):
        inverse = {c: b for b, c in BYTE_CHAR.items()}
        text = "".join(self.tokens[i] for i in ids)
        out = bytearray()
        for ch in text:
            out.append(inverse[ch]) if ch in inverse else out.extend(ch.encode())
        return out.decode("utf-8", errors="replace")


def train(texts, vocab_size):
    """Classic BPE over pre-token counts, with a pair -> words index so each merge touches only the
    words that contain its pair."""
    counts = collections.Counter()
    for text in texts:
        for part in SPECIAL_SPLIT.split(text):
            if part not in SPECIALS:
                counts.update(PRETOKENIZE.findall(part))
    words = [list(mapped(w)) for w in counts]
    freq = list(counts.values())
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for wi, w in enumerate(words):
        for a, b in zip(w, w[1:]):
            pairs[(a, b)] += freq[wi]
            where[(a, b)].add(wi)
    merges = []
    n_merges = vocab_size - 256 - len(SPECIALS)
    while len(merges) < n_merges and pairs:
        # Highest count; ties by the pair's text so the result never depends on hash order.
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merges.append(best)
        joined = best[0] + best[1]
        for wi in list(where.pop(best, ())):
            w = words[wi]
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] -= freq[wi]
                if pairs[(a, b)] <= 0:
                    del pairs[(a, b)]
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == best[0] and w[i + 1] == best[1]:
                    out.append(joined)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            words[wi] = out
            for a, b in zip(out, out[1:]):
                pairs[(a, b)] += freq[wi]
                where[(a, b)].add(wi)
    return Tokenizer(merges)
