# The Vulkan backend against the CPU reference backend, run with the Khronos validation layer.
# Built only with the backend; each test skips itself on a machine without a Vulkan driver.
if(TARGET tern_vulkan)
  tern_add_test(vulkan_test
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/vulkan_ops_test.cpp ${CMAKE_CURRENT_LIST_DIR}/vulkan_model_test.cpp
    LIBS tern_engine_internal tern_vulkan)
endif()
