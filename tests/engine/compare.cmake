# Comparing runs: the machine summary, the benchmark file format and sweeps.
tern_add_test(compare_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/machine_test.cpp ${CMAKE_CURRENT_LIST_DIR}/bench_json_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sweep_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)
# The sweeps load a model per line and thread count: the bundled 3.4 MB demo model loads in tens of
# milliseconds where the synthetic one's Llama-3 vocabulary takes most of a second.
target_compile_definitions(compare_test PRIVATE
  TERN_DEMO_MODEL="${CMAKE_SOURCE_DIR}/resources/models/demo-ternary.gguf"
  TERN_DEMO_FP16_MODEL="${CMAKE_SOURCE_DIR}/resources/models/demo-fp16.gguf")
