# Read by CPack once per generator (CPACK_PROJECT_CONFIG_FILE in installer/cpack.cmake): the .deb is
# the "app" component under /usr, the tarball the relocatable "bundle" component in one top folder.
if(CPACK_GENERATOR STREQUAL "DEB")
  set(CPACK_INSTALL_CMAKE_PROJECTS "${CPACK_TERN_APP_PROJECTS}")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
elseif(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_INSTALL_CMAKE_PROJECTS "${CPACK_TERN_BUNDLE_PROJECTS}")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
  set(CPACK_PACKAGE_FILE_NAME "${CPACK_TERN_BUNDLE_FILE_NAME}")
  set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
endif()
