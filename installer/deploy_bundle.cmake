# Makes the installed "bundle" component (installer/install.cmake) run without a system Qt: copies
# the Qt plugins and QML modules the app loads, the libraries everything links, writes bin/qt.conf,
# points the programs' RPATH at lib/, and collects the licences of what it copied.
#
# Run by `cmake --install` / CPack at install time. Qt 6.4's own deployment API
# (qt_generate_deploy_app_script) supports only Windows and macOS (Qt6CoreMacros.cmake: "Support for
# installing runtime dependencies is not implemented for this target platform" on Linux), so this
# script uses what CMake and Qt offer piece by piece: qmlimportscanner for the QML modules,
# file(GET_RUNTIME_DEPENDENCIES) for the libraries.
#
# Set by install.cmake before this runs: TERN_QT_PLUGINS_DIR, TERN_QT_QML_DIR,
# TERN_QMLIMPORTSCANNER, TERN_QML_SOURCE_DIR, TERN_PATCHELF, TERN_BUNDLE_PROGRAMS (paths relative to
# the bundle root).

if(NOT EXISTS "${TERN_PATCHELF}")
  message(FATAL_ERROR "The portable bundle needs patchelf (scripts/setup.sh installs it)")
endif()
set(root "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
message(STATUS "Deploying Qt into the bundle ${root}")

# Plugins, by what they are for. Qt loads these by name at run time, so no tool can find them.
set(plugins
  platforms/libqxcb.so                  # X11
  xcbglintegrations/*.so                # OpenGL on X11 (GLX, EGL)
  platforms/libqwayland-egl.so          # Wayland
  platforms/libqwayland-generic.so
  wayland-shell-integration/*.so
  wayland-graphics-integration-client/*.so
  wayland-decoration-client/*.so        # window frames where the compositor draws none
  platforms/libqoffscreen.so            # `tern --screenshot` without a display
  platforminputcontexts/*.so            # compose key, IBus input methods
  sqldrivers/libqsqlite.so              # the chat database
  imageformats/libqsvg.so               # the icons
  iconengines/libqsvgicon.so
  tls/*.so)                             # HTTPS downloads (OpenSSL 3 itself comes from the system)

set(modules "")  # every copied .so, for the dependency scan
set(sources "")  # where each copied file came from, for the licences
foreach(pattern IN LISTS plugins)
  file(GLOB found "${TERN_QT_PLUGINS_DIR}/${pattern}")
  if(NOT found)
    message(FATAL_ERROR "No Qt plugin ${TERN_QT_PLUGINS_DIR}/${pattern} (scripts/setup.sh installs them)")
  endif()
  get_filename_component(type "${pattern}" DIRECTORY)
  file(INSTALL ${found} DESTINATION "${root}/plugins/${type}")
  list(APPEND sources ${found})
  foreach(f IN LISTS found)
    get_filename_component(name "${f}" NAME)
    list(APPEND modules "${root}/plugins/${type}/${name}")
  endforeach()
endforeach()

# QML modules: the ones the app's QML imports, as Qt's own scanner resolves them (it follows each
# module's qmldir imports). QtQuick.Dialogs loads its QML implementation from C++, so that
# implementation's files are scanned too.
execute_process(
  COMMAND "${TERN_QMLIMPORTSCANNER}" -rootPath "${TERN_QML_SOURCE_DIR}"
          -rootPath "${TERN_QT_QML_DIR}/QtQuick/Dialogs/quickimpl/qml" -importPath "${TERN_QT_QML_DIR}"
  OUTPUT_VARIABLE imports RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "qmlimportscanner failed (${rc})")
endif()
string(JSON count LENGTH "${imports}")
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON type GET "${imports}" ${i} type)
  string(JSON path ERROR_VARIABLE no_path GET "${imports}" ${i} path)
  # Imports that are not installed are other platforms' styles or the app's own compiled-in module.
  if(NOT type STREQUAL "module" OR no_path OR NOT IS_DIRECTORY "${path}")
    continue()
  endif()
  file(RELATIVE_PATH rel "${TERN_QT_QML_DIR}" "${path}")
  # A module's own files and folders, but not its sub-modules (QtQuick/Controls is a module of its
  # own, copied only if imported): those have a qmldir.
  file(GLOB children LIST_DIRECTORIES true "${path}/*")
  foreach(child IN LISTS children)
    if(IS_DIRECTORY "${child}" AND EXISTS "${child}/qmldir")
      continue()
    endif()
    file(INSTALL "${child}" DESTINATION "${root}/qml/${rel}")
    list(APPEND sources "${child}")
  endforeach()
  file(GLOB_RECURSE so "${root}/qml/${rel}/*.so")
  list(APPEND modules ${so})
endforeach()
list(REMOVE_DUPLICATES modules)

# Libraries: everything the programs, plugins and QML plugins link, except what a Linux desktop
# always has and must share with its drivers: glibc, the C++ runtime (Mesa's LLVM needs the system's
# own, often newer one), the OpenGL/EGL/Vulkan/X11/Wayland client stack, and fontconfig/freetype
# (they read the system's font configuration), with the zlib/zstd/expat those link too, and OpenSSL
# 3 (cpp-httplib links it; a copy would miss the system's security updates). The XCB
# utility libraries are bundled: Qt's X11 plugin needs them and many systems lack them.
set(programs "")
foreach(p IN LISTS TERN_BUNDLE_PROGRAMS)
  list(APPEND programs "${root}/${p}")
endforeach()
file(GET_RUNTIME_DEPENDENCIES
  EXECUTABLES ${programs}
  MODULES ${modules}
  RESOLVED_DEPENDENCIES_VAR libs
  UNRESOLVED_DEPENDENCIES_VAR missing
  PRE_INCLUDE_REGEXES
    "^libxcb-(cursor|icccm|image|keysyms|render-util|util)\\.so"
  PRE_EXCLUDE_REGEXES
    "^ld-linux" "^libc\\.so" "^libm\\.so" "^libmvec\\.so" "^libpthread\\.so" "^libdl\\.so"
    "^librt\\.so" "^libresolv\\.so" "^libutil\\.so" "^libanl\\.so" "^libnss_"
    "^libgcc_s\\.so" "^libstdc\\+\\+\\.so"
    "^libGL\\.so" "^libGLX" "^libGLdispatch" "^libOpenGL" "^libEGL" "^libGLES" "^libgbm" "^libdrm"
    "^libvulkan\\.so" "^libwayland-" "^libX11" "^libXext" "^libXau" "^libXdmcp" "^libxcb"
    "^libfontconfig" "^libfreetype" "^libz\\.so" "^libzstd\\.so" "^libexpat\\.so" "^libudev\\.so"
    "^libssl\\.so" "^libcrypto\\.so")
if(missing)
  message(FATAL_ERROR "Libraries not found for the bundle: ${missing}")
endif()
foreach(lib IN LISTS libs)
  file(INSTALL "${lib}" DESTINATION "${root}/lib" FOLLOW_SYMLINK_CHAIN)
endforeach()
list(APPEND sources ${libs})

# The programs look in lib/ first. DT_RPATH rather than DT_RUNPATH: the dynamic loader applies an
# executable's RPATH to every library and plugin it loads (Qt's libraries have no search path of
# their own), and unlike LD_LIBRARY_PATH it is not inherited by the programs Tern starts.
foreach(p IN LISTS programs)
  execute_process(COMMAND "${TERN_PATCHELF}" --force-rpath --set-rpath "$ORIGIN/../lib" "${p}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "patchelf failed on ${p}")
  endif()
endforeach()
# Debian's QML plugins carry a RUNPATH to the system's Qt ($ORIGIN/../../lib/<triplet>); an object
# with a RUNPATH of its own ignores the executable's RPATH, so the system Qt would be loaded for it.
file(GLOB_RECURSE objects "${root}/lib/*.so*" "${root}/plugins/*.so" "${root}/qml/*.so")
foreach(o IN LISTS objects)
  if(IS_SYMLINK "${o}")
    continue()
  endif()
  execute_process(COMMAND "${TERN_PATCHELF}" --print-rpath "${o}" OUTPUT_VARIABLE path
                  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT path STREQUAL "")
    execute_process(COMMAND "${TERN_PATCHELF}" --remove-rpath "${o}" COMMAND_ERROR_IS_FATAL ANY)
  endif()
endforeach()

# Qt reads qt.conf beside the executable; paths are relative to Prefix, itself relative to bin/.
file(WRITE "${root}/bin/qt.conf" "[Paths]\nPrefix = ..\nLibraries = lib\nPlugins = plugins\nQmlImports = qml\n")

# The licences of everything copied, from the Debian packages it came from (when built on Debian or
# Ubuntu), with the common licence texts they refer to: other systems do not have those.
find_program(dpkg_query dpkg-query)
if(NOT dpkg_query)
  message(WARNING "No dpkg: the bundle carries no third-party licence files")
  return()
endif()
set(notices "${root}/share/doc/tern/third-party")
file(MAKE_DIRECTORY "${notices}")
# Asked by path, in both spellings: usr-merged systems list some files under /lib, others under /usr/lib.
set(paths "")
foreach(f IN LISTS sources)
  string(REGEX REPLACE "^/usr/lib/" "/lib/" short "${f}")
  string(REGEX REPLACE "^/lib/" "/usr/lib/" long "${short}")
  list(APPEND paths "${short}" "${long}")
endforeach()
list(REMOVE_DUPLICATES paths)
execute_process(COMMAND "${dpkg_query}" -S ${paths} OUTPUT_VARIABLE owners ERROR_QUIET)
# One "package[:arch][, package...]: path" line per file.
string(REGEX MATCHALL "[^\n]+" lines "${owners}")
set(packages "")
foreach(line IN LISTS lines)
  string(REGEX REPLACE ": /.*" "" owner "${line}")
  string(REGEX REPLACE ":[a-z0-9]+" "" owner "${owner}")
  string(REPLACE ", " ";" owner "${owner}")
  list(APPEND packages ${owner})
endforeach()
list(REMOVE_DUPLICATES packages)
set(common "")
foreach(pkg IN LISTS packages)
  if(EXISTS "/usr/share/doc/${pkg}/copyright")
    file(READ "/usr/share/doc/${pkg}/copyright" text)
    file(WRITE "${notices}/${pkg}.copyright" "${text}")
    string(REGEX MATCHALL "/usr/share/common-licenses/[A-Za-z0-9.+-]+" refs "${text}")
    list(APPEND common ${refs})
  endif()
endforeach()
list(REMOVE_DUPLICATES common)
foreach(lic IN LISTS common)
  string(REGEX REPLACE "[.]$" "" lic "${lic}")
  if(EXISTS "${lic}")
    file(INSTALL "${lic}" DESTINATION "${notices}/common-licenses" FOLLOW_SYMLINK_CHAIN)
  endif()
endforeach()
