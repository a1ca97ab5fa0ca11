#include "tokenizer/bpe_tokenizer.h"

#include <cstdio>
#include <queue>

#include <spdlog/spdlog.h>

#include "tern/error.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/llama3_pretokenizer.h"

namespace tern {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

BpeTokenizer::BpeTokenizer(VocabData vocab, PreTokenizer pre) : VocabTokenizer(vocab), pre_(pre) {
    // Every byte needs a token of its own, or some text could not be encoded at all.
    for (int b = 0; b < 256; ++b) {
        byte_token_[b] = find_token(byte_level::byte_text(static_cast<uint8_t>(b)));
        if (byte_token_[b] < 0) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", b);
            throw Error(source() + ": tokenizer.ggml.tokens has no token for byte " + hex + " (" +
                        quoted(byte_level::byte_text(static_cast<uint8_t>(b))) +
                        "), which byte-level BPE needs");
        }
    }

    merges_.reserve(vocab.merges.size());
    for (size_t rank = 0; rank < vocab.merges.size(); ++rank) {
        const std::string& m = vocab.merges[rank];
        const std::string where = source() + ": tokenizer.ggml.merges[" + std::to_string(rank) + "] " + quoted(m);
        // Byte-level tokens never contain a real space, so the first space after the first
        // character separates the two halves.
        const size_t sp = m.find(' ', 1);
        if (sp == std::string::npos) throw Error(where + " is not of the form 'A B'");
        const std::string_view left(m.data(), sp), right(m.data() + sp + 1, m.size() - sp - 1);
        const int32_t l = find_token(left), r = find_token(right);
        if (l < 0) throw Error(where + " refers to " + quoted(left) + ", which is not in the vocabulary");
        if (r < 0) throw Error(where + " refers to " + quoted(right) + ", which is not in the vocabulary");
        const std::string joined = std::string(left) + std::string(right);
        const int32_t result = find_token(joined);
        if (result < 0) throw Error(where + " produces " + quoted(joined) + ", which is not in the vocabulary");
        // A repeated pair keeps its last rank, as both HF tokenizers and its JS port do.
        merges_.insert_or_assign(pair_key(l, r), Merge{static_cast<int32_t>(rank), result});
    }

    bytes_.resize(static_cast<size_t>(n_vocab_));
    size_t undecodable = 0;
    for (int32_t id = 0; id < n_vocab_; ++id) {
        if (type(id) != TokenType::Normal) continue;
        const std::string_view text = token_text(id);
        std::string& b = bytes_[static_cast<size_t>(id)];
        if (!byte_level::decode(text, b)) {
            // Not byte-level text (a hand-edited vocabulary?): the best guess is the text itself.
            b.assign(text);
            ++undecodable;
        }
    }
    if (undecodable > 0) {
        spdlog::warn("{}: {} normal tokens are not byte-level text; they decode to their text as is",
                     source(), undecodable);
    }
}

const BpeTokenizer::Merge* BpeTokenizer::find_merge(int32_t left, int32_t right) const {
    auto it = merges_.find(pair_key(left, right));
    return it == merges_.end() ? nullptr : &it->second;
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, bool add_bos, bool parse_special) const {
    std::vector<int32_t> out = begin_encode(add_bos);
    out.reserve(out.size() + text.size() / 3 + 1);
    for (const Fragment& f : split_special(text, parse_special)) {
        if (f.id >= 0) out.push_back(f.id);
        else encode_text(f.text, out);
    }
    return out;
}

void BpeTokenizer::encode_text(std::string_view text, std::vector<int32_t>& out) const {
    std::vector<std::string_view> pretokens;
    llama3_pretokenize(text, pretokens, pre_);
    for (std::string_view p : pretokens) encode_pretoken(p, out);
}

void BpeTokenizer::encode_pretoken(std::string_view bytes, std::vector<int32_t>& out) const {
    // ignore_merges (Llama-3): a whole pre-token that is a vocabulary entry is taken as is. This
    // is not only a shortcut: the merges would sometimes reach a different split.
    if (bytes.empty()) return;
    std::string mapped;
    byte_level::encode(bytes, mapped);
    if (const int32_t id = find_token(mapped);
        pre_ == PreTokenizer::Llama3 && id >= 0 && type(id) == TokenType::Normal) {
        out.push_back(id);
        return;
    }

    // The pre-token as a linked list of symbols, one per byte. Merging writes the result into the
    // left symbol's slot and unlinks the right one, so a slot's index is the position of its
    // first byte, which breaks ties between equal ranks in favour of the leftmost pair.
    struct Symbol {
        int32_t id;  // -1 once merged away
        int32_t prev, next;
    };
    const auto n = static_cast<int32_t>(bytes.size());
    std::vector<Symbol> sym(static_cast<size_t>(n));
    for (int32_t i = 0; i < n; ++i) {
        sym[static_cast<size_t>(i)] = {byte_token_[static_cast<uint8_t>(bytes[static_cast<size_t>(i)])], i - 1,
                                      i + 1 < n ? i + 1 : -1};
    }

    struct Candidate {
        int32_t rank, left, left_id, right_id;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    auto consider = [&](int32_t left) {
        if (left < 0) return;
        const int32_t right = sym[static_cast<size_t>(left)].next;
        if (right < 0) return;
        const int32_t lid = sym[static_cast<size_t>(left)].id, rid = sym[static_cast<size_t>(right)].id;
        if (const Merge* m = find_merge(lid, rid)) queue.push({m->rank, left, lid, rid});
    };
    for (int32_t i = 0; i + 1 < n; ++i) consider(i);

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& l = sym[static_cast<size_t>(c.left)];
        // Stale when either side has been merged since the candidate was queued.
        if (l.id != c.left_id || l.next < 0) continue;
        Symbol& r = sym[static_cast<size_t>(l.next)];
        if (r.id != c.right_id) continue;

        l.id = find_merge(c.left_id, c.right_id)->result;
        r.id = -1;
        l.next = r.next;
        if (r.next >= 0) sym[static_cast<size_t>(r.next)].prev = c.left;
        consider(l.prev);
        consider(c.left);
    }

    for (int32_t i = 0; i >= 0; i = sym[static_cast<size_t>(i)].next) out.push_back(sym[static_cast<size_t>(i)].id);
}

std::string BpeTokenizer::token_bytes(int32_t id, bool render_special) const {
    check_id(id);
    const TokenType t = type(id);
    if (t == TokenType::Normal) return bytes_[static_cast<size_t>(id)];
    if (is_control_like(t) && !render_special) return {};
    // User-defined tokens are stored as plain text, not byte-level text.
    return std::string(token_text(id));
}

}  // namespace tern
