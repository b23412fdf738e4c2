#include "io/decode_in_child.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <type_traits>

namespace dynamus::imaging::io {
namespace {

// What the child sends through the socket: a header (the status, or the loop without its pixels)
// as one length-prefixed block; for a loop, then the pixels' length and their address in the
// child. The parent copies the pixels straight out of the child's memory (process_vm_readv, one
// copy) and answers kCopied, or, where the system forbids that, kSendPixels, and the child sends
// them through the socket. The fields of DecodedCine are listed once, in cine_fields(), for both
// directions.
constexpr char kCopied = 'C';
constexpr char kSendPixels = 'S';
class WireWriter {
 public:
  template <typename T>
  void operator()(const T& value) {
    if constexpr (std::is_enum_v<T>) {
      (*this)(std::int32_t(value));
    } else {
      static_assert(std::is_arithmetic_v<T>);
      bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
    }
  }
  void operator()(const std::string& text) {
    (*this)(std::uint64_t(text.size()));
    bytes_ += text;
  }
  template <typename T>
  void operator()(const std::vector<T>& values) {
    (*this)(std::uint64_t(values.size()));
    for (const T& value : values) (*this)(value);
  }
  template <typename T>
  void operator()(const std::optional<T>& value) {
    (*this)(value.has_value());
    if (value) (*this)(*value);
  }
  void operator()(const std::array<double, 2>& pair) {
    (*this)(pair[0]);
    (*this)(pair[1]);
  }
  void operator()(const RegionPx& region) {
    for (const int bound : {region.x0, region.y0, region.x1, region.y1}) (*this)(bound);
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}

  template <typename T>
  void operator()(T& value) {
    if constexpr (std::is_enum_v<T>) {
      std::int32_t raw = 0;
      (*this)(raw);
      value = T(raw);
    } else {
      static_assert(std::is_arithmetic_v<T>);
      if (!take(sizeof value)) return;
      std::memcpy(&value, bytes_.data() + at_ - sizeof value, sizeof value);
    }
  }
  void operator()(std::string& text) {
    const std::uint64_t size = count();
    if (take(size)) text.assign(bytes_.data() + at_ - size, size);
  }
  template <typename T>
  void operator()(std::vector<T>& values) {
    values.resize(count());
    for (T& value : values) (*this)(value);
  }
  template <typename T>
  void operator()(std::optional<T>& value) {
    bool present = false;
    (*this)(present);
    value.reset();
    if (present) (*this)(value.emplace());
  }
  void operator()(std::array<double, 2>& pair) {
    (*this)(pair[0]);
    (*this)(pair[1]);
  }
  void operator()(RegionPx& region) {
    for (int* bound : {&region.x0, &region.y0, &region.x1, &region.y1}) (*this)(*bound);
  }
  // True when every read found its bytes and nothing is left over.
  bool complete() const { return !overrun_ && at_ == bytes_.size(); }

 private:
  bool take(std::uint64_t size) {
    if (overrun_ || size > bytes_.size() - at_) {
      overrun_ = true;
      return false;
    }
    at_ += size;
    return true;
  }
  // An element count, at most the bytes left (every element takes at least one).
  std::uint64_t count() {
    std::uint64_t size = 0;
    (*this)(size);
    if (size > bytes_.size() - at_) {
      overrun_ = true;
      return 0;
    }
    return size;
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
  bool overrun_ = false;
};

template <typename Wire, typename Cine>
void cine_fields(Wire& wire, Cine& cine) {
  wire(cine.width_px);
  wire(cine.height_px);
  wire(cine.frame_count);
  wire(cine.timing.source);
  wire(cine.timing.timestamps_s);
  wire(cine.calibration.source);
  wire(cine.calibration.spacing_mm);
  wire(cine.calibration.trusted);
  wire(cine.calibration.detail);
  wire(cine.region_px);
  auto& source = cine.source;
  for (auto* text :
       {&source.path, &source.sha256, &source.format, &source.codec, &source.transfer_syntax_uid,
        &source.sop_class_uid, &source.modality, &source.manufacturer, &source.photometric,
        &source.study_uid, &source.series_uid, &source.instance_uid}) {
    wire(*text);
  }
  wire(source.width_px);
  wire(source.height_px);
  wire(cine.warnings);
}

// Without SIGPIPE when the other side has gone: an error, not the end of the process.
bool write_all(int fd, const void* data, std::size_t size) {
  const char* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t written = ::send(fd, at, size, MSG_NOSIGNAL);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    at += written;
    size -= std::size_t(written);
  }
  return true;
}

bool read_all(int fd, void* data, std::size_t size) {
  char* at = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t got = ::read(fd, at, size);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    at += got;
    size -= std::size_t(got);
  }
  return true;
}

// Copies `size` bytes at `address` in process `pid` to `data`; false when the system refuses.
bool copy_from_process(pid_t pid, std::uint64_t address, std::uint8_t* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    iovec local{data + done, size - done};
    iovec remote{reinterpret_cast<void*>(address + done), size - done};
    const ssize_t got = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += std::size_t(got);
  }
  return true;
}

Result<DecodedCine> run_reader(const std::function<Result<DecodedCine>()>& read) {
  try {
    return read();
  } catch (const std::exception& error) {
    return Status(StatusCode::kInternal, fmt::format("decoding threw: {}", error.what()));
  } catch (...) {
    return Status(StatusCode::kInternal, "decoding threw");
  }
}

// The child's side: decode, send, and end without running the parent's exit handlers or flushing
// its copies of the parent's buffers.
[[noreturn]] void run_child(int fd, pid_t parent, std::uint32_t max_cpu_seconds,
                            const std::function<Result<DecodedCine>()>& read) {
  // A parent killed meanwhile (a batch worker stopped with SIGKILL) takes its decoder along.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(1);
  // A library looping on a malformed file gets SIGXCPU, then SIGKILL a second later. Processor
  // time, not wall time: a slow disk or a busy machine does not count.
  const rlimit cpu{max_cpu_seconds, rlim_t(max_cpu_seconds) + 1};
  ::setrlimit(RLIMIT_CPU, &cpu);
  const Result<DecodedCine> result = run_reader(read);
  WireWriter header;
  header(result.ok());
  if (result.ok()) {
    cine_fields(header, *result);
  } else {
    header(result.status().code());
    header(result.status().message());
    header(result.status().context());
  }
  const std::uint64_t header_bytes = header.bytes().size();
  bool sent = write_all(fd, &header_bytes, sizeof header_bytes) &&
              write_all(fd, header.bytes().data(), header.bytes().size());
  if (sent && result.ok()) {
    const std::uint64_t pixel_bytes = result->pixels.size();
    const auto address = std::uint64_t(reinterpret_cast<std::uintptr_t>(result->pixels.data()));
    char answer = 0;
    sent = write_all(fd, &pixel_bytes, sizeof pixel_bytes) &&
           write_all(fd, &address, sizeof address) && read_all(fd, &answer, 1) &&
           (answer == kCopied ||
            (answer == kSendPixels && write_all(fd, result->pixels.data(), pixel_bytes)));
  }
  // What the libraries printed reaches the terminal; the parent flushed its own before the fork.
  std::cout.flush();
  std::fflush(nullptr);
  ::_exit(sent ? 0 : 1);
}

// The result of child `pid`; empty when the socket closed before a whole one arrived (the child
// ended).
std::optional<Result<DecodedCine>> receive(int fd, pid_t pid, std::uint64_t max_memory_bytes) {
  const Status broken(StatusCode::kInternal, "the decoding process sent a malformed result");
  std::uint64_t header_bytes = 0;
  if (!read_all(fd, &header_bytes, sizeof header_bytes)) return std::nullopt;
  // Text, the timestamps and the warnings: far less than the pixels they describe.
  if (header_bytes > max_memory_bytes / 4 + (std::uint64_t{1} << 20)) return broken;
  std::string header_data(header_bytes, '\0');
  if (!read_all(fd, header_data.data(), header_data.size())) return std::nullopt;
  WireReader header(header_data);
  bool ok = false;
  header(ok);
  if (!ok) {
    StatusCode code = StatusCode::kInternal;
    std::string message, context;
    header(code);
    header(message);
    header(context);
    if (!header.complete()) return broken;
    return Status(code, std::move(message), std::move(context));
  }
  DecodedCine cine;
  cine_fields(header, cine);
  std::uint64_t pixel_bytes = 0, address = 0;
  if (!header.complete()) return broken;
  if (!read_all(fd, &pixel_bytes, sizeof pixel_bytes) || !read_all(fd, &address, sizeof address)) {
    return std::nullopt;
  }
  if (cine.width_px < 0 || cine.height_px < 0 || cine.frame_count < 0 ||
      pixel_bytes != std::uint64_t(cine.width_px) * std::uint64_t(cine.height_px) *
                         std::uint64_t(cine.frame_count) ||
      pixel_bytes > max_memory_bytes) {
    return broken;
  }
  cine.pixels.resize(pixel_bytes);
  if (copy_from_process(pid, address, cine.pixels.data(), pixel_bytes)) {
    if (!write_all(fd, &kCopied, 1)) return std::nullopt;
  } else if (!write_all(fd, &kSendPixels, 1) || !read_all(fd, cine.pixels.data(), pixel_bytes)) {
    return std::nullopt;
  }
  return cine;
}

std::string describe_end(int wait_status) {
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    const char* name = sigabbrev_np(signal);
    return fmt::format("signal {}, SIG{}: {}", signal, name != nullptr ? name : "?",
                       strsignal(signal));
  }
  return fmt::format("exit status {}", WEXITSTATUS(wait_status));
}

}  // namespace

Result<DecodedCine> decode_in_child(const std::function<Result<DecodedCine>()>& read,
                                    std::string_view what, std::uint64_t max_memory_bytes,
                                    std::uint32_t max_cpu_seconds) {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    return Status(StatusCode::kInternal,
                  fmt::format("cannot start decoding: socketpair: {}", std::strerror(errno)));
  }
  std::cout.flush();
  std::fflush(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    return Status(StatusCode::kInternal,
                  fmt::format("cannot start decoding: fork: {}", std::strerror(error)));
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], parent, max_cpu_seconds, read);
  }
  ::close(fds[1]);
  std::optional<Result<DecodedCine>> result = receive(fds[0], pid, max_memory_bytes);
  ::close(fds[0]);  // a child still writing or waiting (a refused result) gets EPIPE or EOF
  int wait_status = 0;
  rusage usage{};
  while (::wait4(pid, &wait_status, 0, &usage) < 0 && errno == EINTR) {
  }
  if (result) return *std::move(result);
  if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
    return Status(StatusCode::kInternal, "the decoding process ended without a result");
  }
  if (WIFSIGNALED(wait_status) &&
      (WTERMSIG(wait_status) == SIGXCPU || WTERMSIG(wait_status) == SIGKILL) &&
      usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1 >= time_t(max_cpu_seconds)) {
    return Status(StatusCode::kInvalidData,
                  fmt::format("{} decoding was stopped after {} s of processor time: the file is "
                              "malformed in a way that keeps the decoder from ending",
                              what, max_cpu_seconds));
  }
  return Status(StatusCode::kInvalidData,
                fmt::format("{} decoding ended abnormally ({}): the file is malformed in a way the "
                            "checks before decoding do not catch",
                            what, describe_end(wait_status)));
}

}  // namespace dynamus::imaging::io
