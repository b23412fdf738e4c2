// `dynamus batch` as a library call: many studies into one folder, each analysed by a worker
// process, with a ledger that makes the batch resumable and a ranked summary.
//
// DIR/ledger.sqlite   every input: status, error, version, params hash, timing (ledger.h)
// DIR/studies/<key>/  one complete analysis folder per done study (renamed into place whole)
// DIR/summary.csv, DIR/summary.json   the ranked worklist (summary.h)
// DIR/pacs/<study uid>/  studies retrieved from a PACS (pacs.h), with --pacs
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "dynamus/batch/ledger.h"
#include "dynamus/batch/shard.h"
#include "dynamus/batch/worker.h"
#include "dynamus/core/status.h"

namespace dynamus::batch {

inline constexpr const char* kLedgerFileName = "ledger.sqlite";
inline constexpr const char* kStudiesFolderName = "studies";

struct BatchOptions {
  std::vector<std::filesystem::path> inputs;  // as on the command line (discover.h)
  std::filesystem::path output_dir;
  WorkerCommand worker;
  int jobs = 1;            // workers at a time, >= 1
  double timeout_s = 0.0;  // per study; 0: none
  std::optional<Shard> shard;
  bool retry_failed = false;    // also re-run studies that failed with the same input and params
  bool progress_bar = false;    // a redrawn bar with ETA (a terminal) instead of one line a study
  std::ostream* log = nullptr;  // progress and per-study lines; nullptr: none
  // A PACS's DICOMweb root: its studies are inputs too, all of them unless a manifest among the
  // inputs lists Study Instance UIDs (pacs.h). Empty: no PACS.
  std::string pacs_url;
  // Store each done study's dicom/sc.dcm and dicom/sr.dcm back to pacs_url (STOW-RS) after the
  // analyses; the worker must be given --dicom. Pushes that failed are retried by the next run.
  bool push = false;
  // De-identified: the ledger, the summary and the log name each input by a pseudonym of its path
  // ("ANON-" + 16 hex digits, core/pseudonym.h) and workers' messages lose the path and file name;
  // the worker must be given --anonymize. A folder whose ledger names inputs by path is refused.
  bool anonymize = false;
};

struct BatchResult {
  RunRecord run;
  int exit_code = 0;    // 0 every input done, 1 some (or all) failed
  int stop_signal = 0;  // SIGINT or SIGTERM when the batch was interrupted, else 0
  int pushed = 0;       // studies whose results were stored in the PACS by this run
  int push_failed = 0;  // ... or could not be (exit_code is then 1)
  // The largest peak resident set of this run's workers (ru_maxrss, KiB); 0 when none ran.
  std::int64_t worker_peak_rss_kib = 0;
};

// The hash of the worker's pass-through options, recorded per study: a re-run with other options
// analyses again. Order matters, as it does on a command line.
std::string params_hash(const std::vector<std::string>& extra_args);

// SHA-256 of a file's bytes, or for a folder (an image sequence) of its sorted file names and
// their hashes.
Result<std::string> input_sha256(const std::filesystem::path& path);

// Runs the batch. While it runs, SIGINT and SIGTERM stop it cleanly: workers are ended, their
// studies go back to `queued`, the summary is written and the result has stop_signal set.
// Errors (status) only for what stops the whole batch: unusable inputs on the command line, an
// output folder that cannot be written, or another batch holding it.
Result<BatchResult> run_batch(const BatchOptions& options);

}  // namespace dynamus::batch
