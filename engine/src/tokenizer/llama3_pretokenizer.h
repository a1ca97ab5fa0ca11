#pragma once
// The Llama-3 pre-tokenizer: splits text into the pieces that byte-level BPE then encodes one by
// one. It is the regex
//
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
//   \s*[\r\n]+|\s+(?!\S)|\s+
//
// applied repeatedly from the left, written out by hand over code points: std::regex has no
// \p{L} and would be far too slow. Semantics follow the reference the expected ids come from,
// the JavaScript port of HF tokenizers (@lenml/tokenizers):
//  - \s is JavaScript's \s (includes U+FEFF, excludes U+0085), see scripts/gen_unicode_tables.py;
//  - the case-insensitive contractions match only ASCII letters ('s 'S, not U+017F);
//  - alternatives are tried in order and the first that matches wins (backtracking semantics,
//    not longest match);
//  - \p{L} and \p{N} come from the generated table (Python's Unicode version, 14.0 today); the
//    reference uses Node's ICU, which is newer, so letters assigned after Unicode 14 (rare
//    scripts, CJK Extensions H/I) count as "other" here and may split differently.
// Bytes that are not valid UTF-8 are kept as "other" characters so that nothing is lost.
//
// Qwen2's regex (Qwen2/2.5/3 and Ternary-Bonsai, tokenizer.ggml.pre = "qwen2") is the same but for
// \p{N}: one digit per pre-token instead of up to three.
#include <string_view>
#include <vector>

namespace tern {

enum class PreTokenizer { Llama3, Qwen2 };

// Appends the pre-tokens of `text` to `out`; they are consecutive and cover `text` exactly.
void llama3_pretokenize(std::string_view text, std::vector<std::string_view>& out,
                        PreTokenizer pre = PreTokenizer::Llama3);

}  // namespace tern
