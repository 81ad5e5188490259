# The install rules of the Python package: `cmake --install --component python` into a staging folder
# (DESTDIR), then `import equalis` from there, away from the source and build trees, runs a measure (Gini of 1, 2, 3, 10: 56 / (2 · 4² · 4) = 0.4375).
file(REMOVE_RECURSE ${STAGE})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${STAGE} ${CMAKE_COMMAND} --install ${BUILD_DIR}
                        --component python
                RESULT_VARIABLE status OUTPUT_QUIET)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install --component python failed: ${status}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env PYTHONPATH=${STAGE}${SITE} PYTHONNOUSERSITE=1
          ${PYTHON} -c "import equalis, os; assert equalis.__file__.startswith(os.environ['PYTHONPATH']), equalis.__file__; r = equalis.measure.inequality({'v': [1.0, 2.0, 3.0, 10.0]}, value='v', indices='gini'); print(r.to_frame().loc[0, 'gini'])"
  WORKING_DIRECTORY ${STAGE}
  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "^0\\.4375")
  message(FATAL_ERROR "the installed package did not run: ${out} ${err}")
endif()
