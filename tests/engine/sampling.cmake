# Sampling and chat formatting: pure functions of their inputs, no model needed.
tern_add_test(sampler_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/sampler_test.cpp LIBS tern_sampling)
tern_add_test(chat_format_test SOURCES ${CMAKE_CURRENT_LIST_DIR}/chat_format_test.cpp LIBS tern_sampling)
