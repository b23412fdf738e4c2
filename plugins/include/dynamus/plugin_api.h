/* The dynamus plugin ABI: plain C (C99 and C++), so a plugin built with another compiler or
 * standard library still loads. A plugin is a shared object exporting dynamus_plugin_init_v1(),
 * which returns a static table: a DynamusPluginHeader, then the functions of its kind.
 *
 * Versions: DYNAMUS_PLUGIN_ABI_VERSION changes when anything here changes incompatibly (the host
 * loads only its own); DYNAMUS_PLUGIN_API_VERSION grows when members are appended to the end of a
 * table or struct (struct_size tells which a side has). Nothing allocated by one side is freed by
 * the other; no C++ type or exception crosses: the host owns every output buffer and passes
 * sinks; a function returns DYNAMUS_PLUGIN_OK or DYNAMUS_PLUGIN_ERROR after telling the host why
 * through the DynamusErrorSink. Coordinates follow DESIGN.md: pixels with the origin at the
 * centre of the top-left pixel; millimetres = pixels * spacing_mm. */
#ifndef DYNAMUS_PLUGIN_API_H_
#define DYNAMUS_PLUGIN_API_H_

#include <stdint.h>

#define DYNAMUS_PLUGIN_ABI_VERSION 1
#define DYNAMUS_PLUGIN_API_VERSION 1

#ifdef __cplusplus
#define DYNAMUS_PLUGIN_EXTERN_C extern "C"
#else
#define DYNAMUS_PLUGIN_EXTERN_C
#endif
#define DYNAMUS_PLUGIN_EXPORT DYNAMUS_PLUGIN_EXTERN_C __attribute__((visibility("default")))

enum { DYNAMUS_PLUGIN_OK = 0, DYNAMUS_PLUGIN_ERROR = 1 };
enum { DYNAMUS_PLUGIN_KIND_TRACKER = 1, DYNAMUS_PLUGIN_KIND_DETECTOR = 2 };

typedef struct DynamusPluginHeader {
  uint32_t struct_size;       /* sizeof the whole table this header begins */
  uint32_t abi_version;       /* DYNAMUS_PLUGIN_ABI_VERSION the plugin was built with */
  uint32_t api_version;       /* DYNAMUS_PLUGIN_API_VERSION the plugin was built with */
  uint32_t kind;              /* DYNAMUS_PLUGIN_KIND_* */
  const char* name;           /* what --tracker / --detector selects; static, non-empty */
  const char* plugin_version; /* the plugin's own version; static */
} DynamusPluginHeader;

/* The host's: report(context, message) copies the message (UTF-8, one line). */
typedef struct DynamusErrorSink {
  void* context;
  void (*report)(void* context, const char* message);
} DynamusErrorSink;

/* ---- tracker: displacement from one frame to the next at grid nodes ---- */

/* Nodes at x = step_px * (col + 1), y = step_px * (row + 1), row-major, cols * rows of them.
 * The host allocates dx_px, dy_px and quality; the plugin fills every node. */
typedef struct DynamusFlowGrid {
  int32_t step_px, cols, rows;
  float* dx_px;   /* pixels, + to the right */
  float* dy_px;   /* pixels, + deeper */
  float* quality; /* [0, 1]: below 0.3 the host replaces the node by its neighbours' median */
  float forward_backward_error_px; /* the plugin's own consistency measure; 0 when it has none */
} DynamusFlowGrid;

typedef struct DynamusTrackerTable {
  DynamusPluginHeader header; /* kind DYNAMUS_PLUGIN_KIND_TRACKER */
  /* One instance per tracking run; *instance is opaque to the host. */
  int (*create)(void** instance, const DynamusErrorSink* error);
  void (*destroy)(void* instance);
  /* from, to: width_px * height_px grey bytes, row-major. prediction_dx_px / _dy_px: NULL or the
   * previous pair's field on the same grid, where the search may start. */
  int (*track)(void* instance, const uint8_t* from, const uint8_t* to, int32_t width_px,
               int32_t height_px, const float* prediction_dx_px, const float* prediction_dy_px,
               DynamusFlowGrid* out, const DynamusErrorSink* error);
} DynamusTrackerTable;

/* ---- detector: candidate regions of a finding in a cine loop ---- */

typedef struct DynamusCine {
  int32_t width_px, height_px, frame_count;
  const uint8_t* const* frames; /* frame_count pointers to width_px * height_px grey bytes */
  double spacing_mm[2];         /* x (lateral), y (depth) */
  const double* timestamps_s;   /* frame_count values */
  /* Motion on the grid of DynamusFlowGrid, frame_count - 1 pairs (pair p: frame p to p + 1);
   * each pointer leads to cols * rows values. */
  int32_t step_px, cols, rows;
  const float* const* dx_px;
  const float* const* dy_px;
  const float* const* quality;
} DynamusCine;

typedef struct DynamusCandidate {
  int32_t frame;
  const double* polygon_mm; /* point_count (x_mm, y_mm) pairs, at least 3 */
  int32_t point_count;
  double score;      /* [0, 1]; 0.5 and above is a suspected finding */
  const char* label; /* the plugin's word for it, e.g. "lesion", "partial", "full" */
} DynamusCandidate;

/* The host's: emit(context, candidate) copies the candidate; returns DYNAMUS_PLUGIN_OK. */
typedef struct DynamusCandidateSink {
  void* context;
  int (*emit)(void* context, const DynamusCandidate* candidate);
} DynamusCandidateSink;

typedef struct DynamusDetectorTable {
  DynamusPluginHeader header; /* kind DYNAMUS_PLUGIN_KIND_DETECTOR */
  int (*create)(void** instance, const DynamusErrorSink* error);
  void (*destroy)(void* instance);
  int (*detect)(void* instance, const DynamusCine* cine, const DynamusCandidateSink* sink,
                const DynamusErrorSink* error);
} DynamusDetectorTable;

/* The entry point. Returns the plugin's static table (a DynamusTrackerTable or
 * DynamusDetectorTable, starting with its header), or NULL when it cannot serve the requested
 * ABI. The host checks the header before calling anything else. */
typedef const DynamusPluginHeader* (*DynamusPluginInitV1)(uint32_t requested_abi,
                                                          uint32_t requested_api);
#define DYNAMUS_PLUGIN_ENTRY_POINT "dynamus_plugin_init_v1"

#endif /* DYNAMUS_PLUGIN_API_H_ */
