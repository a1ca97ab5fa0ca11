# The fast CPU kernels live in their own library (engine/src/backend/cpu/simd); pull it in here
# until the engine build links it.
if(NOT TARGET tern_cpu_simd)
  add_subdirectory(${CMAKE_SOURCE_DIR}/engine/src/backend/cpu/simd ${CMAKE_BINARY_DIR}/tern_cpu_simd)
endif()

tern_add_test(simd_kernels_test
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/simd_kernels_test.cpp
  LIBS tern_cpu_simd tern_engine_internal)

add_executable(tern-kbench ${CMAKE_SOURCE_DIR}/engine/tools/tern-kbench/main.cpp)
target_link_libraries(tern-kbench PRIVATE tern_cpu_simd tern_engine_internal)
