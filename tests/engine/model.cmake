tern_add_test(model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cpu_ops_test.cpp ${CMAKE_CURRENT_LIST_DIR}/kv_cache_q8_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_reference_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model_session_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_precision_test.cpp ${CMAKE_CURRENT_LIST_DIR}/thread_pool_test.cpp
  LIBS tern_engine_internal)

# The llama and qwen3 forward passes again with a CPU kernel forced (the default run above uses
# the fastest one, on AVX-512 VBMI the 5-bit field layout): the scalar reference, the portable
# kernel, on x86 AVX2 (every x86-64 CPU this project targets has it), and the fastest kernel on
# the 2-bit layout. Their shapes (head size 256, Q wider than the stream, GQA 8:1) reach the
# kernels through the same graph as BitNet's.
set(family_filter --gtest_filter=*ForwardVsReference*llama*:*ForwardVsReference*qwen3*)
set(family_envs reference:TERN_CPU_KERNEL=reference scalar:TERN_CPU_KERNEL=scalar)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  list(APPEND family_envs avx2:TERN_CPU_KERNEL=avx2 planes2:TERN_TERNARY_LAYOUT=planes2)
endif()
foreach(entry IN LISTS family_envs)
  string(REPLACE ":" ";" parts "${entry}")
  list(GET parts 0 variant)
  list(GET parts 1 env)
  add_test(NAME model_test.families_${variant} COMMAND model_test ${family_filter})
  set_tests_properties(model_test.families_${variant} PROPERTIES ENVIRONMENT ${env} LABELS engine)
endforeach()

tern_add_test(cli_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(cli_test PRIVATE TERN_CLI="$<TARGET_FILE:tern-cli>")
add_dependencies(cli_test tern-cli)

tern_add_test(profile_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/profile_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)

tern_add_test(demo_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/demo_model_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(demo_model_test PRIVATE TERN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
