# DYNAMUS_BUILD_FUZZ: libFuzzer harnesses (tests/fuzz/) in a build directory of their own
# (scripts/fuzz.sh uses build-fuzz/). Every library is compiled with libFuzzer's coverage
# instrumentation and ASan + UBSan; only the harnesses link libFuzzer's main. Needs clang.
option(DYNAMUS_BUILD_FUZZ "Build the libFuzzer harnesses (clang; its own build directory)" OFF)

if(DYNAMUS_BUILD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DYNAMUS_BUILD_FUZZ needs clang (libFuzzer): configure a separate build "
                        "directory with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  # -fno-sanitize-recover: an undefined-behaviour report is a crash the fuzzer keeps.
  set(DYNAMUS_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                              -fno-omit-frame-pointer)
  add_compile_options(-fsanitize=fuzzer-no-link ${DYNAMUS_FUZZ_SANITIZERS})
  add_link_options(-fsanitize=address,undefined)
endif()

# Called once the libraries exist: ITK's headers need the shim in cmake/fuzz_include under clang.
function(dynamus_fuzz_patch_targets)
  set_source_files_properties(${PROJECT_SOURCE_DIR}/imaging/src/io/plus_sequence_reader.cc TARGET_DIRECTORY dynamus_imaging
    PROPERTIES COMPILE_OPTIONS "-include;${PROJECT_SOURCE_DIR}/cmake/fuzz_include/itk_compiler_detection.h")
endfunction()
