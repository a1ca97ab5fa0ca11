# The packages (installer/), label "package": built once, then the .deb checked, installed and
# removed, and the portable bundle run without the system's Qt. Only when the app is packaged.
if(TARGET tern AND CPACK_PACKAGE_NAME)
  add_subdirectory(${CMAKE_SOURCE_DIR}/tests/package ${CMAKE_BINARY_DIR}/tests/package)
endif()
