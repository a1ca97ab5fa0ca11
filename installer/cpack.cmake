# The Debian package of the desktop app. Included from the top-level CMakeLists.txt when the app is
# built; then `cmake --build build --target package` (or `cpack` in the build folder) writes
# build/tern_<version>_<arch>.deb, installed with `sudo apt install ./build/tern_*.deb`.
#
# It holds only the app's install component ("app", see app/CMakeLists.txt): /usr/bin/tern, the
# desktop entry, the hicolor SVG icon, the AppStream metainfo and the tokenizer the local benchmark
# model is made with. dpkg-shlibdeps turns the libraries the binary links into Depends; the QML
# modules and Qt plugins the app loads at run time are invisible to it, so they are listed here.

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "tern")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "Tern")
set(CPACK_PACKAGE_CONTACT "Tern maintainers <maintainers@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Chat with and profile ternary (BitNet b1.58) language models locally")
set(CPACK_PACKAGE_DESCRIPTION
    "Tern runs BitNet b1.58 ternary language models, such as Microsoft's official 2B4T model, on your own
computer and shows what every token costs: tokens per second, time to first token, memory, and an
estimated comparison with an FP16 model of the same shape. Conversations are stored in SQLite;
model downloads are resumable and checksum-verified.")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "tern")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
# Only the app's files: the engine's libraries and tools are not part of the package.
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};${PROJECT_NAME};app;/")

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
