tern_add_test(model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cpu_ops_test.cpp ${CMAKE_CURRENT_LIST_DIR}/kv_cache_q8_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_reference_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model_session_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_precision_test.cpp ${CMAKE_CURRENT_LIST_DIR}/thread_pool_test.cpp
  LIBS tern_engine_internal)

# The llama and qwen3 forward passes again with a CPU kernel forced (the default run above uses
# the fastest one, on AVX-512 VBMI the 5-bit field layout): the scalar reference, the portable
# kernel, and on x86 AVX2 (which every x86-64 machine that runs AVX-512 also has).
set(family_kernels reference scalar)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  list(APPEND family_kernels avx2)
endif()
foreach(kernel IN LISTS family_kernels)
  add_test(NAME model_test.families_${kernel} COMMAND model_test
    --gtest_filter=*ForwardVsReference*llama_I2_Shd256:*ForwardVsReference*llama_TQ1_0:*ForwardVsReference*qwen3_TQ2_0:*ForwardVsReference*llama_F16tied)
  set_tests_properties(model_test.families_${kernel} PROPERTIES ENVIRONMENT TERN_CPU_KERNEL=${kernel} LABELS engine)
endforeach()

tern_add_test(cli_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(cli_test PRIVATE TERN_CLI="$<TARGET_FILE:tern-cli>")
add_dependencies(cli_test tern-cli)

tern_add_test(profile_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/profile_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)

tern_add_test(demo_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/demo_model_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(demo_model_test PRIVATE TERN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
