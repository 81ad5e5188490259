# `cmake --install` puts the libraries, the public headers and a CMake package config in the prefix, so
# that another project builds against equalis with `find_package(equalis)` and `equalis::measure` & co.
include(CMakePackageConfigHelpers)
install(EXPORT equalisTargets NAMESPACE equalis:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/equalis)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/equalisConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/equalisConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/equalis)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/equalisConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/equalisConfig.cmake ${PROJECT_BINARY_DIR}/equalisConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/equalis)
