# install + export so that find_package(dynamus) works against an installed tree.
include(CMakePackageConfigHelpers)

get_property(dynamus_libraries GLOBAL PROPERTY DYNAMUS_LIBRARIES)
install(TARGETS ${dynamus_libraries} EXPORT dynamusTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT dynamusTargets NAMESPACE dynamus:: FILE dynamusTargets.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dynamus)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dynamusConfig.cmake.in
  ${PROJECT_BINARY_DIR}/dynamusConfig.cmake INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dynamus)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dynamusConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dynamusConfig.cmake ${PROJECT_BINARY_DIR}/dynamusConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/DynamusPlugin.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/dynamus)
