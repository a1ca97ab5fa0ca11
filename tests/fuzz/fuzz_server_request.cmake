# libFuzzer target for the server's request parser (TERN_FUZZ=ON, see the top-level CMakeLists).
#   ctest -L fuzz -R server         the smoke run: TERN_FUZZ_SECONDS on the seed bodies
if(NOT TARGET tern_server)
  return()  # built without cpp-httplib
endif()
set(TERN_FUZZ_SECONDS 5 CACHE STRING "seconds each fuzz target runs in the ctest smoke run")
add_executable(fuzz_server_request ${CMAKE_CURRENT_LIST_DIR}/fuzz_server_request.cpp)
target_link_libraries(fuzz_server_request PRIVATE tern_server tern_engine_internal)
target_link_options(fuzz_server_request PRIVATE -fsanitize=fuzzer)
# New inputs go to the build folder's corpus; the committed seeds are only read.
set(server_corpus ${CMAKE_BINARY_DIR}/corpus/server_request)
file(MAKE_DIRECTORY ${server_corpus})
add_test(NAME fuzz_server_request_smoke
         COMMAND fuzz_server_request -max_total_time=${TERN_FUZZ_SECONDS} -rss_limit_mb=4096 -max_len=65536
                 -dict=${CMAKE_CURRENT_LIST_DIR}/server_request.dict -artifact_prefix=${CMAKE_BINARY_DIR}/
                 ${server_corpus} ${CMAKE_CURRENT_LIST_DIR}/server_request_seeds)
set_tests_properties(fuzz_server_request_smoke PROPERTIES LABELS fuzz)
