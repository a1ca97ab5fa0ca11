#pragma once
// What both tokenizer kinds share: the token table, text -> id lookup, the special ids and the
// special-token splitter.
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tern/tokenizer.h"
#include "tokenizer/special_tokens.h"
#include "tokenizer/vocab.h"

namespace tern {

class VocabTokenizer : public Tokenizer {
public:
    // Not copyable: ids_ holds views into texts_.
    VocabTokenizer(const VocabTokenizer&) = delete;
    VocabTokenizer& operator=(const VocabTokenizer&) = delete;

    std::string_view token_text(int32_t id) const override;
    int32_t find_token(std::string_view text) const override;

protected:
    // Takes the token table and special ids out of `vocab`; the merges stay for the subclass.
    explicit VocabTokenizer(VocabData& vocab);

    TokenType type(int32_t id) const { return types_[static_cast<size_t>(id)]; }
    float score(int32_t id) const { return scores_[static_cast<size_t>(id)]; }
    // Throws tern::Error for an id outside the vocabulary.
    void check_id(int32_t id) const;
    // For token_bytes(): control-like tokens render as their text only when asked to.
    static bool is_control_like(TokenType t) {
        return t == TokenType::Control || t == TokenType::Unknown || t == TokenType::Unused;
    }
    // Splits on special-token texts (see SpecialTokenMatcher).
    std::vector<Fragment> split_special(std::string_view text, bool parse_special) const {
        return specials_.split(text, parse_special);
    }
    // Starts an encode: BOS when the caller and the vocabulary both want it.
    std::vector<int32_t> begin_encode(bool add_bos) const;

    const std::string& source() const { return source_; }

private:
    std::string source_;
    std::vector<std::string> texts_;
    std::vector<float> scores_;
    std::vector<TokenType> types_;
    std::unordered_map<std::string_view, int32_t> ids_;  // views into texts_, which never changes
    SpecialTokenMatcher specials_;
};

}  // namespace tern
