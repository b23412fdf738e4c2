// Errors as values at library boundaries: Status (code + message + context) and Result<T>.
// Modelled on abseil's Status/StatusOr. Exceptions never cross a public API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dynamus {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller asked for something malformed (bad option, bad override)
  kNotFound,         // a path that does not exist
  kUnsupported,      // readable, but a format or feature this version does not handle
  kUnreadable,       // an I/O failure or a file that is not the format it claims
  kTooLarge,         // declared sizes above the configured memory ceiling
  kInvalidData,      // corrupt, truncated or inconsistent content
  kInternal,         // a bug or an unexpected failure in a dependency
  kCancelled,        // the caller asked a long computation to stop (core/progress.h)
};

std::string_view to_string(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message, std::string context = {})
      : code_(code), message_(std::move(message)), context_(std::move(context)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // One line saying what went wrong, without the context.
  const std::string& message() const { return message_; }
  // What the error is about, usually the input file's path.
  const std::string& context() const { return context_; }
  // "context: message" (or just the message), suitable for a one-line report.
  std::string to_string() const;

  Status with_context(std::string context) const& {
    return Status(code_, message_, std::move(context));
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string context_;
};

inline Status ok_status() { return {}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace dynamus

#define DYNAMUS_CONCAT_INNER_(a, b) a##b
#define DYNAMUS_CONCAT_(a, b) DYNAMUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not ok.
#define DYNAMUS_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::dynamus::Status dynamus_status_ = (expr);        \
    if (!dynamus_status_.ok()) return dynamus_status_; \
  } while (false)

// DYNAMUS_ASSIGN_OR_RETURN(auto x, compute()); declares x from an ok Result or returns its status.
#define DYNAMUS_ASSIGN_OR_RETURN(lhs, expr) \
  DYNAMUS_ASSIGN_OR_RETURN_IMPL_(DYNAMUS_CONCAT_(dynamus_result_, __LINE__), lhs, expr)
#define DYNAMUS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
