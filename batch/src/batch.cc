#include "dynamus/batch/batch.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "batch_folder.h"
#include "dynamus/batch/discover.h"
#include "dynamus/batch/pacs.h"
#include "dynamus/batch/summary.h"
#include "dynamus/core/exit_code.h"
#include "dynamus/core/pseudonym.h"
#include "dynamus/core/sha256.h"
#include "dynamus/core/version.h"
#include "input_hash.h"
#include "progress.h"
#include "stop_signals.h"

namespace dynamus::batch {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kKeyDigits = 16;
// The summary is rewritten at most this often while studies finish, and always at the end: a
// summary of 10,000 rows rewritten after every study would cost more than the studies.
constexpr auto kSummaryInterval = std::chrono::seconds(2);

// One worker's study: the rows of every input path with that content (usually one).
struct Job {
  std::vector<StudyRow> rows;
  fs::path temporary_dir;
  pid_t pid = -1;
  Clock::time_point started;
  bool timed_out = false;
  std::int64_t peak_rss_kib = 0;  // ru_maxrss of the ended worker
};

// A row's identity with --anonymize: the input path, which may name the patient, as a pseudonym.
constexpr std::size_t kPathPseudonymDigits = 16;

// Size and modification time identify an unchanged file, so it is not hashed again.
void file_identity(const fs::path& path, StudyRow& row) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return;
  const auto size = fs::file_size(path, error);
  const auto mtime = fs::last_write_time(path, error);
  if (error) return;
  row.size_bytes = std::int64_t(size);
  row.mtime_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
}

class BatchRun {
 public:
  BatchRun(const BatchOptions& options, Ledger ledger)
      : options_(options),
        ledger_(std::move(ledger)),
        studies_dir_(options.output_dir / kStudiesFolderName),
        params_hash_(params_hash(options.worker.extra_args)) {}
  // A batch that ends on an error leaves no worker behind (their rows stay `running`, which the
  // next run puts back in the queue).
  ~BatchRun() {
    for (const auto& [pid, job] : running_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  BatchRun(const BatchRun&) = delete;
  BatchRun& operator=(const BatchRun&) = delete;

  Result<BatchResult> run(const std::vector<fs::path>& inputs) {
    DYNAMUS_RETURN_IF_ERROR(plan(inputs));
    record_.started_utc = utc_now();
    record_.dynamus_version = kVersion;
    record_.params_hash = params_hash_;
    record_.shard = options_.shard ? options_.shard->to_string() : "";
    DYNAMUS_RETURN_IF_ERROR(ledger_.begin_run(record_));

    Progress progress(options_.log, options_.progress_bar, int(pending_.size()));
    const StopSignals stop_signals;
    DYNAMUS_RETURN_IF_ERROR(schedule(progress));
    progress.close();
    if (stop_signal() != 0) DYNAMUS_RETURN_IF_ERROR(stop_workers());
    if (options_.push && stop_signal() == 0) DYNAMUS_RETURN_IF_ERROR(push_results());

    BatchResult result;
    result.stop_signal = stop_signal();
    record_.interrupted = result.stop_signal != 0;
    record_.finished_utc = utc_now();
    DYNAMUS_RETURN_IF_ERROR(ledger_.finish_run(record_));
    DYNAMUS_RETURN_IF_ERROR(write_summary_now());
    result.run = record_;
    result.pushed = pushed_;
    result.push_failed = push_failed_;
    result.worker_peak_rss_kib = worker_peak_rss_kib_;
    result.exit_code = push_failed_ > 0 ? kExitSomeInputsFailed : exit_code();
    return result;
  }

 private:
  // A row per input with its hash: unchanged files (same size and time) keep the ledger's, the
  // others are hashed; an unreadable one is a failed row.
  std::vector<StudyRow> identify(const std::vector<fs::path>& inputs,
                                 const std::map<std::string, const StudyRow*>& by_path) {
    std::vector<StudyRow> candidates;
    std::vector<fs::path> to_hash;
    std::vector<std::size_t> hashed_rows;
    for (const fs::path& path : inputs) {
      const auto old = by_path.find(row_identity(path));
      const StudyRow* previous = old == by_path.end() ? nullptr : old->second;
      StudyRow row;
      row.path = row_identity(path);
      input_paths_[row.path] = path;
      row.dynamus_version = kVersion;
      row.params_hash = params_hash_;
      file_identity(path, row);
      if (previous != nullptr && !previous->sha256.empty() && row.size_bytes >= 0 &&
          previous->size_bytes == row.size_bytes && previous->mtime_ns == row.mtime_ns) {
        row.sha256 = previous->sha256;
      } else {
        to_hash.push_back(path);
        hashed_rows.push_back(candidates.size());
      }
      candidates.push_back(std::move(row));
    }
    if (to_hash.size() > 100 && options_.log != nullptr)
      *options_.log << fmt::format("dynamus batch: hashing {} inputs\n", to_hash.size());
    std::vector<Result<std::string>> hashes = hash_inputs(to_hash, options_.jobs);
    for (std::size_t i = 0; i < hashes.size(); ++i) {
      StudyRow& row = candidates[hashed_rows[i]];
      if (hashes[i].ok()) {
        row.sha256 = *hashes[i];
      } else {
        row.status = StudyStatus::kFailed;
        row.error_code = exit_code_for(hashes[i].status().code());
        row.error_message = private_text(hashes[i].status().message(), row.path);
      }
    }
    return candidates;
  }

  // The ledger's and the summary's name of an input: its path, or anonymised a pseudonym of it.
  std::string row_identity(const fs::path& input) const {
    return options_.anonymize ? pseudonym_of(input.string(), kPathPseudonymDigits) : input.string();
  }

  // A message about a row's input without the input's path or file name when anonymising.
  std::string private_text(std::string text, const std::string& identity) const {
    if (!options_.anonymize) return text;
    const fs::path& input = input_paths_.at(identity);
    text = replace_identifier(text, input.string(), identity);
    text = replace_identifier(text, input.filename().string(), identity);
    return text;
  }

  // Keeps the inputs of this shard and queues what is not already done.
  Status plan(const std::vector<fs::path>& inputs) {
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<StudyRow> known, ledger_.rows());
    // An anonymised batch must not add to a ledger (and summary) that names inputs by path.
    if (options_.anonymize) {
      for (const StudyRow& row : known) {
        if (!row.path.starts_with(kPseudonymPrefix)) {
          return Status(StatusCode::kUnreadable,
                        "the batch folder holds input paths from a run without --anonymize; "
                        "anonymise into a new folder",
                        options_.output_dir.string());
        }
      }
    }
    std::map<std::string, const StudyRow*> by_path;
    std::map<std::string, const StudyRow*> done_by_key;
    for (const StudyRow& row : known) {
      by_path[row.path] = &row;
      rows_[row.path] = row;
      if (is_current(row, row.sha256) && row.status == StudyStatus::kDone && has_result(row))
        done_by_key.emplace(row.key, &row);
    }
    std::vector<StudyRow> candidates = identify(inputs, by_path);
    std::vector<StudyRow> changed;
    std::map<std::string, std::size_t> job_of_key;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      StudyRow& row = candidates[i];
      const auto old = by_path.find(row.path);
      const StudyRow* previous = old == by_path.end() ? nullptr : old->second;
      row.key = row.sha256.substr(0, kKeyDigits);
      // An unreadable input has no key; its path decides its shard.
      if (options_.shard && shard_of(row.key.empty() ? sha256_hex(row.path) : row.key,
                                     options_.shard->count) != options_.shard->index) {
        continue;
      }
      ++record_.inputs;
      run_paths_.push_back(row.path);
      if (row.status == StudyStatus::kFailed) {
        ++record_.failed;
        changed.push_back(row);
        continue;
      }
      if (previous != nullptr && is_current(*previous, row.sha256) &&
          ((previous->status == StudyStatus::kDone && has_result(*previous)) ||
           (previous->status == StudyStatus::kFailed && !options_.retry_failed))) {
        ++record_.skipped;
        continue;
      }
      // The same bytes under another path: the analysis is the same, share its folder.
      if (const auto twin = done_by_key.find(row.key); twin != done_by_key.end()) {
        const StudyRow& done = *twin->second;
        row.status = StudyStatus::kDone;
        row.result_folder = done.result_folder;
        row.measures = done.measures;
        row.started_utc = row.finished_utc = utc_now();
        ++record_.done;
        changed.push_back(row);
        continue;
      }
      row.status = StudyStatus::kQueued;
      if (previous != nullptr && !previous->result_folder.empty())
        superseded_[row.path] = previous->result_folder;
      changed.push_back(row);
      if (const auto job = job_of_key.find(row.key); job != job_of_key.end()) {
        pending_[job->second].rows.push_back(row);
      } else {
        job_of_key[row.key] = pending_.size();
        pending_.push_back(Job{{row}, {}, -1, {}, false, 0});
      }
    }
    for (const StudyRow& row : changed) rows_[row.path] = row;
    return ledger_.put(changed);
  }

  bool is_current(const StudyRow& row, const std::string& sha256) const {
    return !sha256.empty() && row.sha256 == sha256 && row.dynamus_version == kVersion &&
           row.params_hash == params_hash_;
  }

  bool has_result(const StudyRow& row) const {
    std::error_code error;
    return !row.result_folder.empty() &&
           fs::is_regular_file(options_.output_dir / row.result_folder / "result.json", error);
  }

  Status schedule(Progress& progress) {
    while ((!pending_.empty() || !running_.empty()) && stop_signal() == 0) {
      while (int(running_.size()) < options_.jobs && !pending_.empty() && stop_signal() == 0) {
        DYNAMUS_RETURN_IF_ERROR(start(progress));
      }
      bool reaped = false;
      int wait_status = 0;
      // Each worker by its pid: other children of the host process are not the batch's to reap.
      // wait4 also gives the worker's peak memory, which the ledger keeps.
      for (auto job = running_.begin(); job != running_.end();) {
        struct rusage usage {};
        if (::wait4(job->first, &wait_status, WNOHANG, &usage) != job->first) {
          ++job;
          continue;
        }
        Job finished_job = std::move(job->second);
        finished_job.peak_rss_kib = usage.ru_maxrss;
        job = running_.erase(job);
        DYNAMUS_RETURN_IF_ERROR(finish(finished_job, wait_status, progress));
        reaped = true;
      }
      kill_timed_out();
      progress.tick(int(running_.size()));
      if (!reaped) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ok_status();
  }

  Status start(Progress& progress) {
    Job job = std::move(pending_.front());
    pending_.pop_front();
    const std::string key = job.rows.front().key;
    job.temporary_dir = temporary_study_folder(studies_dir_, key);
    std::error_code error;
    fs::remove_all(job.temporary_dir, error);
    for (StudyRow& row : job.rows) {
      row.status = StudyStatus::kRunning;
      row.started_utc = utc_now();
      row.finished_utc.clear();
      row.error_code = 0;
      row.error_message.clear();
      row.result_folder.clear();
      row.measures = {};
    }
    DYNAMUS_RETURN_IF_ERROR(ledger_.put(job.rows));
    job.started = Clock::now();
    Result<pid_t> pid =
        start_worker(options_.worker, input_paths_.at(job.rows.front().path), job.temporary_dir);
    if (!pid.ok()) {
      return record_end(job, WorkerEnd{false, kExitInternal, pid.status().message()}, progress);
    }
    job.pid = *pid;
    running_.emplace(job.pid, std::move(job));
    return ok_status();
  }

  void kill_timed_out() {
    if (options_.timeout_s <= 0.0) return;
    const auto limit = std::chrono::duration<double>(options_.timeout_s);
    for (auto& [pid, job] : running_) {
      if (!job.timed_out && Clock::now() - job.started > limit) {
        job.timed_out = true;
        ::kill(pid, SIGKILL);
      }
    }
  }

  Status finish(Job& job, int wait_status, Progress& progress) {
    const std::string& identity = job.rows.front().path;
    WorkerEnd end = worker_end(wait_status, job.timed_out, options_.timeout_s,
                               input_paths_.at(identity), job.temporary_dir);
    end.message = private_text(end.message, identity);
    const fs::path result_json = job.temporary_dir / "result.json";
    if (end.ok) {
      Result<StudyMeasures> measures = read_measures(result_json);
      const std::string folder = fmt::format("{}/{}", kStudiesFolderName, job.rows.front().key);
      Status placed =
          measures.ok() ? put_study_folder_in_place(job.temporary_dir, options_.output_dir / folder)
                        : measures.status();
      if (placed.ok()) {
        for (StudyRow& row : job.rows) {
          row.result_folder = folder;
          row.measures = *measures;
        }
      } else {
        end = WorkerEnd{false, kExitInternal, placed.to_string()};
      }
    }
    return record_end(job, end, progress);
  }

  // The ledger learns the outcome only after the folder is in place (or gone), so a done row
  // always has its folder.
  Status record_end(Job& job, const WorkerEnd& end, Progress& progress) {
    if (!end.ok) {
      std::error_code error;
      fs::remove_all(job.temporary_dir, error);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - job.started).count();
    std::vector<std::string> old_folders;
    for (StudyRow& row : job.rows) {
      row.status = end.ok ? StudyStatus::kDone : StudyStatus::kFailed;
      row.error_code = end.error_code;
      row.error_message = end.message;
      row.finished_utc = utc_now();
      row.seconds = seconds;
      row.peak_rss_kib = job.peak_rss_kib;
      if (const auto old = superseded_.find(row.path); old != superseded_.end())
        old_folders.push_back(old->second);
      rows_[row.path] = row;
      end.ok ? ++record_.done : ++record_.failed;
    }
    worker_peak_rss_kib_ = std::max(worker_peak_rss_kib_, job.peak_rss_kib);
    DYNAMUS_RETURN_IF_ERROR(ledger_.put(job.rows));
    for (const std::string& folder : old_folders) remove_if_unreferenced(folder);
    progress.finished(job.rows.front(), int(running_.size()));
    if (Clock::now() - summary_written_ > kSummaryInterval) return write_summary_now();
    return ok_status();
  }

  // The folder of an input's earlier content, once no row points at it any more, so that the
  // studies folder holds exactly the folders of done rows.
  void remove_if_unreferenced(const std::string& folder) {
    if (folder.empty()) return;
    for (const auto& [path, row] : rows_) {
      if (row.result_folder == folder) return;
    }
    std::error_code error;
    fs::remove_all(options_.output_dir / folder, error);
  }

  // After SIGINT/SIGTERM: the running studies are ended and go back to the queue.
  Status stop_workers() {
    for (const auto& [pid, job] : running_) ::kill(pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    while (!running_.empty()) {
      int wait_status = 0;
      for (auto job = running_.begin(); job != running_.end();) {
        const pid_t waited = ::waitpid(job->first, &wait_status, WNOHANG);
        if (waited == 0) {
          if (Clock::now() > deadline) ::kill(job->first, SIGKILL);
          ++job;
          continue;
        }
        std::error_code error;
        fs::remove_all(job->second.temporary_dir, error);
        for (StudyRow& row : job->second.rows) {
          row.status = StudyStatus::kQueued;
          rows_[row.path] = row;
        }
        DYNAMUS_RETURN_IF_ERROR(ledger_.put(job->second.rows));
        job = running_.erase(job);
      }
      if (!running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return ok_status();
  }

  // Every done study of this run whose results are not in the PACS yet (never pushed, failed
  // before, or analysed again since) is stored there; each outcome is a row of `pushes`.
  Status push_results() {
    const DicomWebClient client(DicomWebOptions{options_.pacs_url});
    DYNAMUS_ASSIGN_OR_RETURN(const auto pushes, ledger_.pushes());
    for (const std::string& path : run_paths_) {
      const StudyRow& row = rows_.at(path);
      if (row.status != StudyStatus::kDone) continue;
      const auto old = pushes.find(path);
      if (old != pushes.end() && old->second.pushed &&
          old->second.result_folder == row.result_folder) {
        continue;
      }
      const Result<std::vector<fs::path>> files =
          result_dicom_files(options_.output_dir / row.result_folder);
      const Status stored = files.ok() ? client.store(*files) : files.status();
      PushRow push{path, row.result_folder, stored.ok(), stored.ok() ? "" : stored.to_string(),
                   utc_now()};
      DYNAMUS_RETURN_IF_ERROR(ledger_.put_push(push));
      stored.ok() ? ++pushed_ : ++push_failed_;
      if (!stored.ok() && options_.log != nullptr) {
        *options_.log << fmt::format("dynamus batch: {}: push failed: {}\n", path,
                                     push.error_message);
      }
    }
    return ok_status();
  }

  Status write_summary_now() {
    std::vector<StudyRow> rows;
    rows.reserve(rows_.size());
    for (const auto& [path, row] : rows_) rows.push_back(row);
    summary_written_ = Clock::now();
    return write_summary(options_.output_dir, rows);
  }

  // 0 when every input of this run is done, else 1 (even when all failed: the batch itself
  // worked, and a workflow engine must tell that apart from a batch that could not run).
  int exit_code() const {
    for (const std::string& path : run_paths_) {
      if (rows_.at(path).status != StudyStatus::kDone) return kExitSomeInputsFailed;
    }
    return kExitOk;
  }

  const BatchOptions& options_;
  Ledger ledger_;
  fs::path studies_dir_;
  std::string params_hash_;
  RunRecord record_;
  std::map<std::string, StudyRow> rows_;           // every ledger row, by path: the summary
  std::map<std::string, fs::path> input_paths_;    // row path (or pseudonym) -> the input
  std::vector<std::string> run_paths_;             // the inputs of this run (of its shard)
  std::map<std::string, std::string> superseded_;  // path -> its study folder before this run
  std::deque<Job> pending_;
  std::map<pid_t, Job> running_;
  Clock::time_point summary_written_{};
  int pushed_ = 0;
  int push_failed_ = 0;
  std::int64_t worker_peak_rss_kib_ = 0;
};

// With a PACS, the manifests among the inputs that list Study Instance UIDs name its studies to
// analyse (none listed: all of them); the other inputs are local.
struct InputRequest {
  std::vector<fs::path> local;
  std::vector<PacsRequest> pacs_requests;
  bool all_pacs_studies = false;
};

Result<InputRequest> input_request(const BatchOptions& options) {
  InputRequest request;
  if (options.pacs_url.empty()) {
    request.local = options.inputs;
    return request;
  }
  bool uid_manifest = false;
  for (const fs::path& input : options.inputs) {
    if (!is_pacs_manifest(input)) {
      request.local.push_back(input);
      continue;
    }
    uid_manifest = true;
    DYNAMUS_ASSIGN_OR_RETURN(const std::vector<PacsRequest> listed, read_pacs_manifest(input));
    request.pacs_requests.insert(request.pacs_requests.end(), listed.begin(), listed.end());
  }
  request.all_pacs_studies = !uid_manifest;
  return request;
}

}  // namespace

std::string params_hash(const std::vector<std::string>& extra_args) {
  return sha256_hex(nlohmann::json(extra_args).dump());
}

Result<BatchResult> run_batch(const BatchOptions& options) {
  if (options.jobs < 1) return Status(StatusCode::kInvalidArgument, "--jobs must be at least 1");
  if (options.push && options.pacs_url.empty())
    return Status(StatusCode::kInvalidArgument, "--push needs --pacs URL");
  // Inputs first: a bad argument leaves no output folder behind.
  DYNAMUS_ASSIGN_OR_RETURN(const InputRequest request, input_request(options));
  DYNAMUS_ASSIGN_OR_RETURN(std::vector<fs::path> inputs, discover_inputs(request.local));
  std::error_code exists_error;
  const bool output_existed = fs::exists(options.output_dir, exists_error);
  DYNAMUS_ASSIGN_OR_RETURN(FolderLock lock, FolderLock::acquire(options.output_dir));
  // The PACS is asked once the folder is this batch's, since its studies are cached there; a PACS
  // that fails leaves no new folder behind.
  if (request.all_pacs_studies || !request.pacs_requests.empty()) {
    const DicomWebClient client(DicomWebOptions{options.pacs_url});
    Result<std::vector<fs::path>> pacs_inputs = fetch_pacs_inputs(
        client, request.pacs_requests, options.output_dir / kPacsFolderName, options.log);
    if (!pacs_inputs.ok()) {
      if (!output_existed) fs::remove_all(options.output_dir, exists_error);
      return pacs_inputs.status();
    }
    inputs.insert(inputs.end(), pacs_inputs->begin(), pacs_inputs->end());
  }
  const fs::path studies_dir = options.output_dir / kStudiesFolderName;
  std::error_code error;
  fs::create_directories(studies_dir, error);
  if (error) {
    return Status(StatusCode::kUnreadable, fmt::format("cannot create folder: {}", error.message()),
                  studies_dir.string());
  }
  DYNAMUS_ASSIGN_OR_RETURN(Ledger ledger, Ledger::open(options.output_dir / kLedgerFileName));
  // What a killed run left: half-written study folders and rows still marked running.
  remove_stale_temporaries(studies_dir);
  DYNAMUS_ASSIGN_OR_RETURN(const int requeued, ledger.requeue_running());
  if (requeued > 0 && options.log != nullptr) {
    *options.log << fmt::format("dynamus batch: resuming; {} interrupted studies queued again\n",
                                requeued);
  }
  BatchRun run(options, std::move(ledger));
  return run.run(inputs);
}

}  // namespace dynamus::batch
