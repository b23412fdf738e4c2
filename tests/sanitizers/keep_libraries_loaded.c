// Preloaded into every test of the sanitizer build (cmake/DynamusSanitize.cmake): dlclose() does
// nothing, so a library stays mapped until the process exits. LeakSanitizer scans the loaded
// libraries' data for pointers at exit; a library unloaded before then (Mesa's DRI driver, which
// libGL closes with the last display) takes its pointers with it, and what they held is reported
// as leaked, with a stack into unmapped code (google/sanitizers#89). Built without sanitizers, so
// that it also loads into the uninstrumented programs the tests start (sh, Xvfb, ffmpeg).
int dlclose(void* handle) {
  (void)handle;
  return 0;
}
