#include "tokenizer/spm_tokenizer.h"

#include <queue>

#include "tern/error.h"
#include "tokenizer/unicode.h"

namespace tern {

namespace {

constexpr std::string_view kSpace = "\xE2\x96\x81";  // "▁" U+2581, SentencePiece's space

std::string spaces_to_marks(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    for (char ch : text) {
        if (ch == ' ') out += kSpace;
        else out += ch;
    }
    return out;
}

std::string marks_to_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        if (text.substr(i, kSpace.size()) == kSpace) {
            out += ' ';
            i += kSpace.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

// "<0x41>" -> 0x41; -1 when the text is not a byte token's.
int parse_byte_token(std::string_view text) {
    if (text.size() != 6 || text.substr(0, 3) != "<0x" || text[5] != '>') return -1;
    int value = 0;
    for (char ch : text.substr(3, 2)) {
        int digit;
        if (ch >= '0' && ch <= '9') digit = ch - '0';
        else if (ch >= 'A' && ch <= 'F') digit = ch - 'A' + 10;
        else if (ch >= 'a' && ch <= 'f') digit = ch - 'a' + 10;
        else return -1;
        value = value * 16 + digit;
    }
    return value;
}

}  // namespace

SpmTokenizer::SpmTokenizer(VocabData vocab) : VocabTokenizer(vocab) {
    add_space_prefix_ = vocab.add_space_prefix.value_or(true);
    strip_space_after_bos_ = add_space_prefix_;
    unk_ = vocab.unk;
    for (auto& b : byte_token_) b = -1;

    bytes_.resize(static_cast<size_t>(n_vocab_));
    bool has_all_bytes = true;
    for (int32_t id = 0; id < n_vocab_; ++id) {
        const TokenType t = type(id);
        const std::string_view text = token_text(id);
        if (t == TokenType::Unknown && unk_ < 0) unk_ = id;
        if (t == TokenType::Byte) {
            const int b = parse_byte_token(text);
            if (b >= 0) {
                if (byte_token_[b] < 0) byte_token_[b] = id;
                bytes_[static_cast<size_t>(id)] = std::string(1, static_cast<char>(b));
                continue;
            }
        }
        if (!is_control_like(t)) bytes_[static_cast<size_t>(id)] = marks_to_spaces(text);
    }
    for (int32_t b : byte_token_) has_all_bytes = has_all_bytes && b >= 0;
    if (!has_all_bytes && unk_ < 0) {
        throw Error(source() + ": tokenizer.ggml.tokens has neither all 256 byte tokens <0x00>..<0xFF> nor an "
                    "unknown token, so some text could not be encoded");
    }
}

int32_t SpmTokenizer::find_piece(std::string_view piece) const {
    const int32_t id = find_token(piece);
    if (id < 0) return -1;
    const TokenType t = type(id);
    return (t == TokenType::Normal || t == TokenType::UserDefined || t == TokenType::Undefined) ? id : -1;
}

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out = begin_encode(add_bos);
    bool after_special = true;  // the start of the text counts as a boundary
    for (const Fragment& f : split_special(text, parse_special)) {
        if (f.id >= 0) {
            out.push_back(f.id);
            after_special = true;
            continue;
        }
        std::string piece = (add_space_prefix_ && after_special) ? std::string(kSpace) : std::string();
        piece += spaces_to_marks(f.text);
        encode_text(piece, out);
        after_special = false;
    }
    return out;
}

void SpmTokenizer::encode_text(std::string_view text, std::vector<int32_t>& out) const {
    // Symbols are byte ranges of `text`, linked in order; merging grows the left symbol and
    // empties the right one.
    struct Symbol {
        uint32_t start, len;
        int32_t prev, next;
    };
    std::vector<Symbol> sym;
    for (size_t pos = 0; pos < text.size();) {
        const unicode::Utf8Char c = unicode::decode_utf8(text, pos);
        const auto i = static_cast<int32_t>(sym.size());
        sym.push_back({static_cast<uint32_t>(pos), c.len, i - 1, -1});
        if (i > 0) sym[static_cast<size_t>(i - 1)].next = i;
        pos += c.len;
    }
    if (sym.empty()) return;

    struct Bigram {
        float score;
        int32_t left, right;
        uint32_t len;  // bytes of the merged piece, to recognise stale entries
        bool operator<(const Bigram& o) const {
            return score != o.score ? score < o.score : left > o.left;  // best score, then leftmost
        }
    };
    std::priority_queue<Bigram> queue;
    auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = sym[static_cast<size_t>(left)];
        const Symbol& r = sym[static_cast<size_t>(right)];
        const int32_t id = find_piece(text.substr(l.start, l.len + r.len));
        if (id >= 0) queue.push({score(id), left, right, l.len + r.len});
    };
    for (size_t i = 1; i < sym.size(); ++i) consider(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));

    while (!queue.empty()) {
        const Bigram b = queue.top();
        queue.pop();
        Symbol& l = sym[static_cast<size_t>(b.left)];
        Symbol& r = sym[static_cast<size_t>(b.right)];
        if (l.len == 0 || r.len == 0 || l.len + r.len != b.len || l.next != b.right) continue;
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) sym[static_cast<size_t>(r.next)].prev = b.left;
        consider(l.prev, b.left);
        consider(b.left, l.next);
    }

    for (int32_t i = 0; i >= 0; i = sym[static_cast<size_t>(i)].next) {
        const Symbol& s = sym[static_cast<size_t>(i)];
        const std::string_view piece = text.substr(s.start, s.len);
        // Merged symbols are vocabulary pieces by construction; only single characters can miss.
        const int32_t id = find_piece(piece);
        if (id >= 0) out.push_back(id);
        else emit_bytes(piece, out);
    }
}

void SpmTokenizer::emit_bytes(std::string_view piece, std::vector<int32_t>& out) const {
    bool all = true;
    for (char ch : piece) all = all && byte_token_[static_cast<uint8_t>(ch)] >= 0;
    if (!all) {
        // As SentencePiece does: one unknown token rather than a partial spelling.
        out.push_back(unk_);
        return;
    }
    for (char ch : piece) out.push_back(byte_token_[static_cast<uint8_t>(ch)]);
}

std::string SpmTokenizer::token_bytes(int32_t id, bool render_special) const {
    check_id(id);
    if (is_control_like(type(id))) return render_special ? std::string(token_text(id)) : std::string();
    return bytes_[static_cast<size_t>(id)];
}

}  // namespace tern
