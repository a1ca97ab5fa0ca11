if(NOT TARGET tern_server)
  return()  # built without cpp-httplib
endif()

# The OpenAI-compatible server: its request parser and stream framing (no model), the library over
# real HTTP on a tiny synthetic model, and the official openai npm client against tern-cli serve.
tern_add_test(server_request_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/server_request_test.cpp
  LIBS tern_server nlohmann_json::nlohmann_json)
tern_add_test(server_stream_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/server_stream_test.cpp
  LIBS tern_server nlohmann_json::nlohmann_json)
# One process for all its cases: each would otherwise write and load the model again (3 s).
tern_add_test(server_http_test WHOLE SOURCES ${CMAKE_CURRENT_LIST_DIR}/server_http_test.cpp
  LIBS tern_server tern_engine_internal PkgConfig::HTTPLIB nlohmann_json::nlohmann_json)

# The end-to-end test needs Node and the openai package (scripts/setup.sh installs both); the
# script imports it from the repository's node_modules.
find_program(TERN_NODE node)
if(TERN_NODE AND TARGET tern-cli)
  add_test(NAME server_openai_e2e
    COMMAND ${TERN_NODE} ${CMAKE_SOURCE_DIR}/tests/server/openai_e2e.mjs
      --cli $<TARGET_FILE:tern-cli> --tokenizer ${TERN_TOKENIZER_JSON})
  set_tests_properties(server_openai_e2e PROPERTIES LABELS engine TIMEOUT 120)
else()
  message(STATUS "Tern: node not found, the server's openai end-to-end test is off")
endif()
