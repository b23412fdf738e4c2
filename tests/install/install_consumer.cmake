# Installs the build tree into a temporary prefix, builds tests/install/consumer against it with
# find_package(dynamus), and runs it on the bundled sample. Run by ctest (see CMakeLists.txt).
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
                RESULT_VARIABLE result OUTPUT_QUIET)
if(result)
  message(FATAL_ERROR "install failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
                        -B ${WORK_DIR}/consumer -G Ninja -DCMAKE_PREFIX_PATH=${prefix}
                RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "configuring the consumer with find_package(dynamus) failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer RESULT_VARIABLE result)
if(result)
  message(FATAL_ERROR "building the consumer failed")
endif()
execute_process(COMMAND ${WORK_DIR}/consumer/consumer ${SAMPLE}
                RESULT_VARIABLE result OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(result OR NOT out MATCHES "40 frames of 320x240")
  message(FATAL_ERROR "the consumer did not load the sample: ${out}")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
