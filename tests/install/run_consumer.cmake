# ctest driver: install the build tree into a scratch prefix, then configure, build and run the consumer
# against it. Arguments: -DBUILD_DIR=… -DSOURCE_DIR=… -DSCRATCH=…
file(REMOVE_RECURSE ${SCRATCH})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${SCRATCH}/prefix
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${status}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer -B ${SCRATCH}/build -G Ninja
                        -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${SCRATCH}/prefix
                        -Dequalis_INCLUDE_ROOT=${SCRATCH}/prefix/include/equalis
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "configuring the consumer against the installed equalis failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${SCRATCH}/build -j2 RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "building the consumer against the installed equalis failed")
endif()
execute_process(COMMAND ${SCRATCH}/build/consumer RESULT_VARIABLE status OUTPUT_VARIABLE out)
message(STATUS "consumer: ${out}")
if(NOT status EQUAL 0 OR NOT out MATCHES "gini 0.250000 json")
  message(FATAL_ERROR "the consumer ran but printed '${out}' (status ${status})")
endif()
file(REMOVE_RECURSE ${SCRATCH})
