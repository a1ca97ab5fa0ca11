# The desktop app's QtTest suites (label "app"); only when the app itself is built (Qt 6 found).
if(TARGET tern)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/app ${CMAKE_BINARY_DIR}/tests/app)
endif()
