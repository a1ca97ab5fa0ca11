# GGUF reader/writer and the tensor type table: storage formats, byte layouts, malformed files.
tern_add_test(types_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/types_fp16_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/types_layout_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/types_quantize_test.cpp
  LIBS tern_core)

tern_add_test(gguf_test
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/gguf_roundtrip_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gguf_malformed_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/gguf_writer_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/mapped_file_test.cpp
  LIBS tern_core)
