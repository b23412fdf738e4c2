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

# The environment every test runs in, whether ctest is run by scripts/test.sh --sanitize or by
# hand in the build tree: ctest includes this file before it runs any test. A value already in the
# environment wins, so a developer can change one option for a run.
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/sanitizer_env.cmake @ONLY CONTENT [=[
if(NOT DEFINED ENV{ASAN_OPTIONS})
  set(ENV{ASAN_OPTIONS} "detect_leaks=1:check_initialization_order=1:strict_init_order=1")
endif()
if(NOT DEFINED ENV{UBSAN_OPTIONS})
  set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
endif()
if(NOT DEFINED ENV{LSAN_OPTIONS})
  set(ENV{LSAN_OPTIONS} "suppressions=@PROJECT_SOURCE_DIR@/tests/sanitizers/lsan.supp")
endif()
]=])
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY TEST_INCLUDE_FILES
             ${PROJECT_BINARY_DIR}/sanitizer_env.cmake)
