# DYNAMUS_SANITIZE=ON: every target of the project (libraries, apps, tests) is compiled and linked
# with AddressSanitizer + UndefinedBehaviorSanitizer; LeakSanitizer is part of ASan on Linux.
# Debian's libraries are not instrumented: ASan still sees their heap (malloc is intercepted), and
# their leaks on our paths are reported and suppressed by tests/sanitizers/lsan.supp.
option(DYNAMUS_SANITIZE "Build with AddressSanitizer + UndefinedBehaviorSanitizer" OFF)
if(NOT DYNAMUS_SANITIZE)
  return()
endif()

# Undefined behaviour aborts the test instead of printing and carrying on.
set(DYNAMUS_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined
                           -fno-omit-frame-pointer)
add_compile_options(${DYNAMUS_SANITIZE_FLAGS}
                    # Bounds checks in std::vector/string/span operator[] and friends.
                    -D_GLIBCXX_ASSERTIONS
                    # Debug keeps assert() on; -O1 instead of -O0 because the image-processing
                    # tests run several times faster and the stack traces stay exact.
                    $<$<CONFIG:Debug>:-O1>)
add_link_options(-fsanitize=address,undefined)

# dlclose() made a no-op for the tests (tests/sanitizers/keep_libraries_loaded.c says why); plain C
# without the sanitizers. ASan then no longer comes first in the library list, which it accepts
# with verify_asan_link_order=0.
add_library(dynamus_keep_libraries_loaded SHARED
            ${PROJECT_SOURCE_DIR}/tests/sanitizers/keep_libraries_loaded.c)
target_compile_options(dynamus_keep_libraries_loaded PRIVATE -fno-sanitize=all)
target_link_options(dynamus_keep_libraries_loaded PRIVATE -fno-sanitize=all)

# The environment every test runs in, whether ctest is run by scripts/test.sh --sanitize or by
# hand in the build tree: ctest includes this file before it runs any test. A value already in the
# environment wins, so a developer can change one option for a run.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/sanitizer_env.cmake.in @ONLY CONTENT [=[
if(NOT DEFINED ENV{ASAN_OPTIONS})
  set(ENV{ASAN_OPTIONS}
      "detect_leaks=1:check_initialization_order=1:strict_init_order=1:verify_asan_link_order=0")
endif()
if(NOT DEFINED ENV{LD_PRELOAD})
  set(ENV{LD_PRELOAD} "$<TARGET_FILE:dynamus_keep_libraries_loaded>")
endif()
if(NOT DEFINED ENV{UBSAN_OPTIONS})
  set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
endif()
if(NOT DEFINED ENV{LSAN_OPTIONS})
  set(ENV{LSAN_OPTIONS} "suppressions=@PROJECT_SOURCE_DIR@/tests/sanitizers/lsan.supp")
endif()
]=])
file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/sanitizer_env.cmake
     INPUT ${PROJECT_BINARY_DIR}/sanitizer_env.cmake.in)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES
             ${PROJECT_BINARY_DIR}/sanitizer_env.cmake)
