#include "sqlite_db.h"

#include <fmt/format.h>

namespace dynamus::batch {

Statement::Statement(sqlite3* db, const char* sql) {
  if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK) statement_ = nullptr;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, const std::string& value) {
  sqlite3_bind_text(statement_, index, value.c_str(), int(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, const std::optional<double>& value) {
  if (value) return bind(index, *value);
  sqlite3_bind_null(statement_, index);
  return *this;
}

int Statement::step() { return sqlite3_step(statement_); }

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(statement_, column);
  return value == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(value));
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

std::optional<double> Statement::optional_real(int column) const {
  if (is_null(column)) return std::nullopt;
  return real(column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Status sqlite_error(sqlite3* db, const std::string& what) {
  return Status(StatusCode::kUnreadable, fmt::format("{}: {}", what, sqlite3_errmsg(db)),
                sqlite3_db_filename(db, "main") ? sqlite3_db_filename(db, "main") : "");
}

Status execute(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return Status(StatusCode::kUnreadable, fmt::format("ledger: {}", text),
                  sqlite3_db_filename(db, "main") ? sqlite3_db_filename(db, "main") : "");
  }
  return ok_status();
}

}  // namespace dynamus::batch
