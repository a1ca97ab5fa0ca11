# Tokenizers: byte-level BPE against the reference ids in tests/data/tokenizer_cases*.json
# (regenerate with scripts/gen_tokenizer_expected.mjs), SentencePiece on a synthetic vocabulary,
# streaming decode, the tokenizer.json importer and malformed vocabularies.
tern_add_test(tokenizer_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_unicode_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_bpe_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_llama3_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_qwen3_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_stream_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_spm_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/tokenizer_errors_test.cpp
  LIBS tern_tokenizer nlohmann_json::nlohmann_json)
