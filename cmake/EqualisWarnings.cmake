include(GNUInstallDirs)
# Warnings every equalis target gets; -Werror only when asked (CI turns it on).
add_library(equalis_warnings INTERFACE)
target_compile_options(equalis_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GCC" OR CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 bug 105329: -Wrestrict false positives on std::string concatenation at -O2/-O3.
  target_compile_options(equalis_warnings INTERFACE -Wno-restrict)
endif()
if(EQUALIS_WERROR)
  target_compile_options(equalis_warnings INTERFACE -Werror)
endif()
if(EQUALIS_SANITIZE)
  target_compile_options(equalis_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(equalis_warnings INTERFACE -fsanitize=address,undefined)
  # Assertions stay on in sanitizer builds.
  target_compile_definitions(equalis_warnings INTERFACE EQUALIS_ENABLE_ASSERTIONS=1)
endif()
if(EQUALIS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EQUALIS_FUZZ needs clang (libFuzzer); configure the asan preset with -DEQUALIS_FUZZ=ON")
  endif()
  # libFuzzer's coverage instrumentation in every equalis target, so the fuzzers (tests/fuzz) see inside
  # the libraries; only the fuzz targets link libFuzzer's main.
  target_compile_options(equalis_warnings INTERFACE -fsanitize=fuzzer-no-link)
  target_link_options(equalis_warnings INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(equalis_warnings INTERFACE EQUALIS_ENABLE_ASSERTIONS=1)
endif()

# equalis_add_module(name SOURCES ... DEPS ...): one library per module, alias equalis::name, installed
# and exported as equalis::name (cmake/EqualisInstall.cmake). Every header of src/<name>/ is public and
# installed under include/equalis/<name>/, except those in src/<name>/detail/ (internal).
function(equalis_add_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(equalis_${name} ${ARG_SOURCES})
  add_library(equalis::${name} ALIAS equalis_${name})
  set_target_properties(equalis_${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  target_include_directories(equalis_${name} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src> $<INSTALL_INTERFACE:include/equalis>)
  target_link_libraries(equalis_${name} PUBLIC ${ARG_DEPS} PRIVATE $<BUILD_INTERFACE:equalis_warnings>)
  install(TARGETS equalis_${name} EXPORT equalisTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/src/${name}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/equalis/${name}
          FILES_MATCHING PATTERN "*.hpp" PATTERN "detail" EXCLUDE)
endfunction()
# Not enabled: -Wnull-dereference (GCC 12 reports false positives inside libstdc++ containers at -O3).
