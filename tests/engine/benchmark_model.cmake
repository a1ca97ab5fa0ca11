# The public benchmark-model writer, through the public API only (as the app uses it).
tern_add_test(benchmark_model_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/benchmark_model_test.cpp LIBS tern_engine)
