"""The demo models' training text: WordNet 3.0 glosses (Debian package wordnet-base) turned into
question/answer turns in the 2B4T chat format and into plain dictionary lines.

Held-out synsets (1 in 20, chosen by a hash of the synset offset, so the split does not depend on
the seed) never reach training; their dictionary lines are the validation text.
"""
import hashlib
import random
import re
from dataclasses import dataclass, field

WORDNET_DIR = "/usr/share/wordnet"
POS_FILES = {"n": "data.noun", "v": "data.verb", "a": "data.adj", "s": "data.adj", "r": "data.adv"}
POS_NAMES = {"n": "noun", "v": "verb", "a": "adjective", "s": "adjective", "r": "adverb"}
EOT = "<|eot_id|>"
SYSTEM_PROMPTS = ["You are a helpful assistant.", "You are a concise dictionary.",
                  "Answer briefly.", "You are Tern's demo model. Answer with a short definition."]


@dataclass
class Synset:
    offset: str
    pos: str
    words: list
    definitions: list
    examples: list = field(default_factory=list)


def parse_data_file(path):
    """Yields the synsets of one WordNet data.* file (format: wndb(5WN))."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("  "):  # the licence header
                continue
            head, _, gloss = line.partition(" | ")
            fields = head.split()
            offset, pos, n_words = fields[0], fields[2], int(fields[3], 16)
            words = []
            for i in range(n_words):
                w = fields[4 + 2 * i]
                w = re.sub(r"\([a-z]+\)$", "", w)  # adjective position markers such as (a), (p)
                words.append(w.replace("_", " "))
            definitions, examples = [], []
            for part in gloss.strip().split("; "):
                part = part.strip()
                if part.startswith('"'):
                    examples.append(part.strip('"').strip())
                elif part:
                    definitions.append(part)
            if definitions and words:
                yield Synset(offset, pos, words, definitions, examples)


def load_synsets():
    synsets = []
    for name in sorted(set(POS_FILES.values())):
        synsets.extend(parse_data_file(f"{WORDNET_DIR}/{name}"))
    # ASCII only: keeps the byte-level vocabulary small and the pre-tokenizer unambiguous.
    return [s for s in synsets if all(t.isascii() for t in s.words + s.definitions + s.examples)]


def is_held_out(synset):
    digest = hashlib.sha256((synset.pos + synset.offset).encode()).digest()
    return digest[0] % 20 == 0


def sentence(text):
    text = text.strip()
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def article(word):
    return "an" if word[0].lower() in "aeiou" else "a"


def question(word, pos, rng):
    if pos == "n":
        if word[0].isupper():
            forms = [f"What is {word}?", f"Who or what is {word}?", f"Tell me about {word}."]
        else:
            forms = [f"What is {article(word)} {word}?", f"What does {word} mean?", f"Define {word}.",
                     f"What is the meaning of {word}?"]
    elif pos == "v":
        forms = [f"What does it mean to {word}?", f"What does {word} mean?", f"Define {word}.",
                 f"What is the meaning of the verb {word}?"]
    else:
        forms = [f"What does {word} mean?", f"Define {word}.", f"What is the meaning of {word}?",
                 f"What does the word {word} mean?"]
    return rng.choice(forms)


def answer(synset, rng):
    text = sentence(synset.definitions[0])
    if len(synset.definitions) > 1 and rng.random() < 0.3:
        text += " " + sentence(synset.definitions[1])
    if synset.examples and rng.random() < 0.5:
        text += f' For example: "{synset.examples[0]}".'
    return text


def dictionary_line(synset):
    """The plain form: what the validation text is made of."""
    line = f"{synset.words[0]} ({POS_NAMES[synset.pos]}): " + "; ".join(synset.definitions)
    if len(synset.words) > 1:
        line += ". Also: " + ", ".join(synset.words[1:4])
    if synset.examples:
        line += '. Example: "' + synset.examples[0] + '"'
    return line + ".\n"


def chat_sample(turns, rng):
    """One conversation in the 2B4T format, as tern::format_chat writes it, ended like the model must."""
    out = ""
    if rng.random() < 0.1:
        out += f"System: {rng.choice(SYSTEM_PROMPTS)}{EOT}"
    for synset in turns:
        word = rng.choice(synset.words[:2])
        out += f"User: {question(word, synset.pos, rng)}{EOT}Assistant: {answer(synset, rng)}{EOT}"
    return out


def build_corpus(seed):
    """Returns (training documents, validation text). Each document is trained after a BOS."""
    rng = random.Random(seed)
    synsets = load_synsets()
    train = [s for s in synsets if not is_held_out(s)]
    held = [s for s in synsets if is_held_out(s)]
    docs = []
    for s in train:
        docs.append(dictionary_line(s))
        docs.append(chat_sample([s], rng))
    # Multi-turn chats, so a second question after an answer is familiar too.
    for _ in range(len(train) // 4):
        docs.append(chat_sample(rng.sample(train, rng.randint(2, 3)), rng))
    rng.shuffle(docs)
    validation = "".join(dictionary_line(s) for s in held)
    return docs, validation, len(train), len(held)
