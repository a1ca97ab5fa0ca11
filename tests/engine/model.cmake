tern_add_test(model_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/cpu_ops_test.cpp ${CMAKE_CURRENT_LIST_DIR}/kv_cache_q8_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_reference_test.cpp ${CMAKE_CURRENT_LIST_DIR}/model_session_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/model_precision_test.cpp ${CMAKE_CURRENT_LIST_DIR}/thread_pool_test.cpp
  LIBS tern_engine_internal)

tern_add_test(cli_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/cli_test.cpp LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(cli_test PRIVATE TERN_CLI="$<TARGET_FILE:tern-cli>")
add_dependencies(cli_test tern-cli)

tern_add_test(profile_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/profile_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)

tern_add_test(demo_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/demo_model_test.cpp
  LIBS tern_engine_internal nlohmann_json::nlohmann_json)
target_compile_definitions(demo_model_test PRIVATE TERN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
