#include "tokenizer/llama3_pretokenizer.h"

#include <cstdint>

#include "tokenizer/unicode.h"

namespace tern {

namespace {

using unicode::CharClass;

// A marker for ill-formed UTF-8: it is in no class the regex names, like punctuation.
constexpr char32_t kInvalidCp = 0xFFFFFFFF;

struct Chars {
    std::vector<char32_t> cp;
    std::vector<CharClass> cls;
    std::vector<uint32_t> offset;  // byte offset of each character, plus one entry for the end

    explicit Chars(std::string_view text) {
        cp.reserve(text.size());
        cls.reserve(text.size());
        offset.reserve(text.size() + 1);
        size_t pos = 0;
        while (pos < text.size()) {
            const unicode::Utf8Char c = unicode::decode_utf8(text, pos);
            const bool ok = c.status == unicode::Utf8Status::Ok;
            cp.push_back(ok ? c.cp : kInvalidCp);
            cls.push_back(ok ? unicode::classify(c.cp) : CharClass::Other);
            offset.push_back(static_cast<uint32_t>(pos));
            pos += c.len;
        }
        offset.push_back(static_cast<uint32_t>(pos));
    }
    size_t size() const { return cp.size(); }
};

// Each matcher returns the end (character index) of its alternative's match at `i`, or 0 when
// the alternative does not match. A match is never empty, so 0 cannot be a real end.
class Matcher {
public:
    Matcher(const Chars& c, size_t max_digits) : c_(c), n_(c.size()), max_digits_(max_digits) {}

    size_t match(size_t i) const {
        if (size_t e = contraction(i)) return e;
        if (size_t e = letters(i)) return e;
        if (size_t e = digits(i)) return e;
        if (size_t e = punctuation(i)) return e;
        if (size_t e = newlines(i)) return e;
        if (size_t e = spaces_not_before_text(i)) return e;
        if (size_t e = spaces(i)) return e;
        return i + 1;  // unreachable: every character is L, N, \s or other
    }

private:
    bool is(size_t i, CharClass k) const { return i < n_ && c_.cls[i] == k; }
    bool is_letter(size_t i) const { return is(i, CharClass::Letter); }
    bool is_space(size_t i) const { return is(i, CharClass::Whitespace); }
    // [^\s\p{L}\p{N}]
    bool is_other(size_t i) const { return is(i, CharClass::Other); }
    bool is_cr_or_lf(size_t i) const { return i < n_ && (c_.cp[i] == U'\r' || c_.cp[i] == U'\n'); }
    // ASCII-only case folding, as in the JS rewrite (?:'([sS]|[tT]|[rR][eE]|...)).
    char32_t lower_ascii(size_t i) const {
        if (i >= n_) return 0;
        const char32_t ch = c_.cp[i];
        return (ch >= U'A' && ch <= U'Z') ? ch + 32 : ch;
    }
    size_t end_of_class_run(size_t i, CharClass k) const {
        while (is(i, k)) ++i;
        return i;
    }

    // '(s|t|re|ve|m|ll|d), case-insensitive
    size_t contraction(size_t i) const {
        if (i >= n_ || c_.cp[i] != U'\'') return 0;
        const char32_t a = lower_ascii(i + 1);
        if (a == U's' || a == U't' || a == U'm' || a == U'd') return i + 2;
        const char32_t b = lower_ascii(i + 2);
        if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return i + 3;
        return 0;
    }

    // [^\r\n\p{L}\p{N}]?\p{L}+ : the optional leading character is taken when a letter follows it.
    size_t letters(size_t i) const {
        size_t j = i;
        if (i < n_ && !is_cr_or_lf(i) && !is_letter(i) && !is(i, CharClass::Number) && is_letter(i + 1)) j = i + 1;
        if (!is_letter(j)) return 0;
        return end_of_class_run(j, CharClass::Letter);
    }

    // \p{N}{1,3} (Llama-3) or \p{N} (Qwen2)
    size_t digits(size_t i) const {
        size_t j = i;
        while (j < i + max_digits_ && is(j, CharClass::Number)) ++j;
        return j > i ? j : 0;
    }

    // ' ?[^\s\p{L}\p{N}]+[\r\n]*' : only U+0020 can be the leading space.
    size_t punctuation(size_t i) const {
        size_t j = i;
        if (i < n_ && c_.cp[i] == U' ' && is_other(i + 1)) j = i + 1;
        if (!is_other(j)) return 0;
        j = end_of_class_run(j, CharClass::Other);
        while (is_cr_or_lf(j)) ++j;
        return j;
    }

    // \s*[\r\n]+ : after backtracking, the whitespace run up to and including its last CR/LF.
    size_t newlines(size_t i) const {
        const size_t e = end_of_class_run(i, CharClass::Whitespace);
        for (size_t k = e; k > i; --k) {
            if (is_cr_or_lf(k - 1)) return k;
        }
        return 0;
    }

    // \s+(?!\S) : the whitespace run, less its last character when a non-space follows, so that
    // the last space can join the next word (" world").
    size_t spaces_not_before_text(size_t i) const {
        const size_t e = end_of_class_run(i, CharClass::Whitespace);
        if (e == i) return 0;
        if (e == n_) return e;
        return e - i >= 2 ? e - 1 : 0;
    }

    // \s+
    size_t spaces(size_t i) const {
        const size_t e = end_of_class_run(i, CharClass::Whitespace);
        return e > i ? e : 0;
    }

    const Chars& c_;
    const size_t n_;
    const size_t max_digits_;
};

}  // namespace

void llama3_pretokenize(std::string_view text, std::vector<std::string_view>& out, PreTokenizer pre) {
    const Chars chars(text);
    const Matcher m(chars, pre == PreTokenizer::Qwen2 ? 1 : 3);
    size_t i = 0;
    while (i < chars.size()) {
        const size_t e = m.match(i);
        const uint32_t b = chars.offset[i];
        out.push_back(text.substr(b, chars.offset[e] - b));
        i = e;
    }
}

}  // namespace tern
