# dynamus_add_plugin(<name> SOURCES ... [LIBRARIES ...] [INSTALL]): a dynamus plugin, the shared
# object <name>.so, built against the plugin ABI and SDK (dynamus::plugin_sdk). In the dynamus tree
# and, through find_package(dynamus), out of it. INSTALL installs it into
# ${CMAKE_INSTALL_LIBDIR}/dynamus/plugins, where an installed dynamus looks. In the dynamus tree
# plugins land in build/lib/dynamus/plugins, where the build tree's dynamus looks.
include(GNUInstallDirs)

function(dynamus_add_plugin name)
  cmake_parse_arguments(ARG "INSTALL" "" "SOURCES;LIBRARIES" ${ARGN})
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE dynamus::plugin_sdk ${ARG_LIBRARIES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  # Only the entry point is exported; an unresolved symbol fails the link, not the load.
  set_target_properties(${name} PROPERTIES PREFIX "" C_VISIBILITY_PRESET hidden
                                           CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE LINKER:--no-undefined)
  if(DEFINED DYNAMUS_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${DYNAMUS_PLUGIN_OUTPUT_DIR})
  endif()
  if(ARG_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/dynamus/plugins)
  endif()
endfunction()
