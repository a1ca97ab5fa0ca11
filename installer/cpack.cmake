# The app's two packages, made by `cmake --build build --target package` (or `cpack` in the build
# folder) from the install components of installer/install.cmake:
#
#   build/tern_<version>_<arch>.deb            the "app" component under /usr, for Debian and Ubuntu:
#                                             `sudo apt install ./build/tern_*.deb`
#   build/tern-<version>-linux-<cpu>.tar.gz    the "bundle" component: the app with its own Qt, for
#                                             other distributions; unpack, then ./tern or ./install.sh
#
# installer/cpack_generators.cmake switches between the two per generator.

set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/cpack_generators.cmake")
set(CPACK_PACKAGE_NAME "tern")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "Tern")
set(CPACK_PACKAGE_CONTACT "Tern maintainers <maintainers@users.noreply.github.com>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/tern/tern")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat with and profile ternary (BitNet b1.58) language models")
# Debian shows these lines as they are: at most 80 columns (lintian).
set(CPACK_PACKAGE_DESCRIPTION
"Tern runs BitNet b1.58 ternary language models, such as Microsoft's official
2B4T model, on your own computer and shows what every token costs: tokens per
second, time to first token, memory and energy, against an FP16 model of the
same shape. Conversations are stored in SQLite; model downloads are resumable
and checksum-verified.

The package holds the desktop app (tern), the command-line tool tern-cli and
two small demo models trained on WordNet's dictionary definitions.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "tern")
set(CPACK_STRIP_FILES ON)
set(CPACK_TERN_APP_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};app;/")
set(CPACK_TERN_BUNDLE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};bundle;/")
set(CPACK_TERN_BUNDLE_FILE_NAME "tern-${PROJECT_VERSION}-linux-${CMAKE_SYSTEM_PROCESSOR}")

set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # tern_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Loaded at run time (QML imports, SQLite driver, SVG icons), so dpkg-shlibdeps cannot see them.
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-templates, \
qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-dialogs, \
qml6-module-qt-labs-folderlistmodel, qml6-module-qtqml-workerscript, qml6-module-qtcharts, \
libqt6sql6-sqlite, libqt6svg6")
# Native Wayland windows (XWayland works without it); Vulkan drivers for the GPU backend.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-wayland")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mesa-vulkan-drivers")

include(CPack)
