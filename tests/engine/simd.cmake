tern_add_test(simd_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/simd_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)

# TERN_CPU_KERNEL forces a kernel: the dispatch tests again with the portable one forced.
add_test(NAME simd_kernels_test.forced_scalar COMMAND simd_kernels_test --gtest_filter=SimdDispatch.*)
set_tests_properties(simd_kernels_test.forced_scalar PROPERTIES ENVIRONMENT TERN_CPU_KERNEL=scalar LABELS engine)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64|ARM64")
  # The whole suite with the NEON kernel as the default one (the CPU backend's entry points too).
  add_test(NAME simd_kernels_test.forced_neon COMMAND simd_kernels_test)
  set_tests_properties(simd_kernels_test.forced_neon PROPERTIES ENVIRONMENT TERN_CPU_KERNEL=neon LABELS engine)
endif()

add_executable(tern-kbench ${CMAKE_SOURCE_DIR}/engine/tools/tern-kbench/main.cpp
  ${CMAKE_SOURCE_DIR}/engine/tools/tern-kbench/attention.cpp ${CMAKE_SOURCE_DIR}/engine/tools/tern-kbench/head.cpp)
target_link_libraries(tern-kbench PRIVATE tern_cpu_simd tern_engine_internal)

tern_add_test(dense_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/dense_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)

tern_add_test(attention_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/attention_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)

tern_add_test(elementwise_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/elementwise_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)

tern_add_test(qk_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/qk_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64|ARM64")
  add_test(NAME qk_kernels_test.forced_neon COMMAND qk_kernels_test)
  set_tests_properties(qk_kernels_test.forced_neon PROPERTIES ENVIRONMENT TERN_CPU_KERNEL=neon LABELS engine)
endif()
