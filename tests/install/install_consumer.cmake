# Installs the build tree into a temporary prefix, builds tests/install/consumer against it with
# find_package(dynamus), and runs it on the bundled sample; then builds the example plugins out of
# the tree against the same install (dynamus_add_plugin from the package) and analyses the sample
# with the installed dynamus and that out-of-tree tracker through DYNAMUS_PLUGIN_PATH. Run by
# ctest (see CMakeLists.txt).
set(prefix ${WORK_DIR}/prefix)

# run(<what failed> COMMAND...): stops the test with the message when the command fails.
function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result)
  if(result)
    message(FATAL_ERROR "${what} failed")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
                RESULT_VARIABLE result OUTPUT_QUIET)
if(result)
  message(FATAL_ERROR "install failed")
endif()
run("configuring the consumer with find_package(dynamus)" ${CMAKE_COMMAND}
    -S ${SOURCE_DIR}/tests/install/consumer -B ${WORK_DIR}/consumer -G Ninja
    -DCMAKE_PREFIX_PATH=${prefix})
run("building the consumer" ${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
execute_process(COMMAND ${WORK_DIR}/consumer/consumer ${SAMPLE}
                RESULT_VARIABLE result OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(result OR NOT out MATCHES "40 frames of 320x240")
  message(FATAL_ERROR "the consumer did not load the sample: ${out}")
endif()
run("configuring the example plugins against the install" ${CMAKE_COMMAND}
    -S ${SOURCE_DIR}/plugins/examples -B ${WORK_DIR}/plugins -G Ninja -DCMAKE_PREFIX_PATH=${prefix})
run("building the example plugins against the install" ${CMAKE_COMMAND} --build ${WORK_DIR}/plugins)
execute_process(COMMAND ${CMAKE_COMMAND} -E env DYNAMUS_PLUGIN_PATH=${WORK_DIR}/plugins
                        ${prefix}/bin/dynamus analyze ${SAMPLE} -o ${WORK_DIR}/analysis
                        --tracker example-farneback
                RESULT_VARIABLE result OUTPUT_QUIET ERROR_VARIABLE err)
if(result)
  message(FATAL_ERROR "the installed dynamus failed with the out-of-tree plugin: ${err}")
endif()
file(READ ${WORK_DIR}/analysis/result.json result_json)
string(JSON used GET ${result_json} plugins 0 path)
string(JSON tracker GET ${result_json} params tracker)
# The out-of-tree build comes first on the path; the installed copy of the same name is refused.
if(NOT used STREQUAL "${WORK_DIR}/plugins/example_farneback.so" OR
   NOT tracker STREQUAL "example-farneback")
  message(FATAL_ERROR "result.json names ${tracker} from ${used}, not the out-of-tree plugin")
endif()
file(REMOVE_RECURSE ${WORK_DIR})
