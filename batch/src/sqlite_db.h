// A thin RAII layer over SQLite's C API for the ledger: a connection, prepared statements with
// typed binds and columns, and errors as Status naming the database file.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "dynamus/core/status.h"

namespace dynamus::batch {

class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool prepared() const { return statement_ != nullptr; }
  // Binds by 1-based position; empty optionals bind NULL.
  Statement& bind(int index, const std::string& value);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, const std::optional<double>& value);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // Clears the bindings and rewinds, for the next row of a batch insert.
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  std::optional<double> optional_real(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* statement_ = nullptr;
};

// Status for the connection's last error, kUnreadable with SQLite's message.
Status sqlite_error(sqlite3* db, const std::string& what);

// Runs statements without results (pragmas, DDL, BEGIN/COMMIT).
Status execute(sqlite3* db, const char* sql);

}  // namespace dynamus::batch
