// Copyright sealflow authors.
// The archive tests run against both catalog backends: SQLite in the data folder, and a real
// PostgreSQL server. The server is the throw-away cluster of tests/archive/pg-fixture.sh:
// started once per CTest run as a fixture (its URL in BUILD/pg-fixture/url), or, when the test
// binary runs outside CTest, started by this process and stopped at exit. Every test gets a
// database of its own, dropped afterwards. Header-only (shared by several test files).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <ostream>
#include <random>
#include <string>

#include "support/test_support.h"

namespace sealflow::testing {

enum class CatalogBackend { kSQLite, kPostgreSQL };

// Names the parameter in test listings (and so in CTest's names for the tests).
inline void PrintTo(CatalogBackend backend, std::ostream* os) {
  *os << (backend == CatalogBackend::kSQLite ? "SQLite" : "PostgreSQL");
}

inline std::string CatalogBackendName(const ::testing::TestParamInfo<CatalogBackend>& info) {
  return info.param == CatalogBackend::kSQLite ? "SQLite" : "PostgreSQL";
}

// A cluster this process started itself (no CTest fixture); stopped when the process exits.
class OwnPgCluster {
 public:
  OwnPgCluster() {
    state_ = std::filesystem::temp_directory_path().string() + "/sealflow-pg-state-" +
             std::to_string(::getpid());
    CommandResult started = Run(Script() + " start " + state_);
    if (started.exit_code == 0) url_ = ReadFile(state_ + "/url");
    while (!url_.empty() && (url_.back() == '\n' || url_.back() == '\r')) url_.pop_back();
    if (url_.empty()) error_ = started.output;
  }
  ~OwnPgCluster() { std::system((Script() + " stop " + state_ + " >/dev/null 2>&1").c_str()); }
  OwnPgCluster(const OwnPgCluster&) = delete;
  OwnPgCluster& operator=(const OwnPgCluster&) = delete;
  const std::string& url() const { return url_; }
  const std::string& error() const { return error_; }

 private:
  static std::string Script() { return "bash " + SourcePath("tests/archive/pg-fixture.sh"); }
  std::string state_;
  std::string url_;
  std::string error_;
};

// The server's URL (for its "postgres" database): $SEALFLOW_TEST_PG, else the CTest fixture's,
// else a cluster of our own. "" (with *error set) if none can be had.
inline std::string PgServerUrl(std::string* error) {
  if (const char* env = std::getenv("SEALFLOW_TEST_PG"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::string fixture = BinPath("../pg-fixture/url");
  if (std::filesystem::exists(fixture)) {
    std::string url = ReadFile(fixture);
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
    if (!url.empty()) return url;
  }
  static OwnPgCluster own;
  if (own.url().empty() && error != nullptr) *error = own.error();
  return own.url();
}

// A fresh database on the test server, dropped on destruction.
class PgDatabase {
 public:
  PgDatabase() {
    std::string error;
    server_ = PgServerUrl(&error);
    if (server_.empty()) {
      ADD_FAILURE() << "no PostgreSQL for the tests (tests/archive/pg-fixture.sh): " << error;
      return;
    }
    std::random_device random;
    name_ = "sealflow_test_" + std::to_string(random()) + std::to_string(random());
    CommandResult created =
        Run("psql -X -q -v ON_ERROR_STOP=1 '" + server_ + "' -c 'CREATE DATABASE " + name_ + "'");
    if (created.exit_code != 0) {
      ADD_FAILURE() << "CREATE DATABASE failed: " << created.output;
      name_.clear();
      return;
    }
    url_ = server_.substr(0, server_.rfind('/') + 1) + name_;
  }
  ~PgDatabase() {
    if (name_.empty()) return;
    Run("psql -X -q '" + server_ + "' -c 'DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)'");
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  const std::string& url() const { return url_; }
  // Runs SQL in this database as the superuser (e.g. to tamper with it). True on success.
  bool Sql(const std::string& sql) const {
    std::string quoted;
    for (char c : sql) {
      if (c == '\'') {
        quoted += "'\\''";
      } else {
        quoted += c;
      }
    }
    return Run("psql -X -q -v ON_ERROR_STOP=1 '" + url_ + "' -c '" + quoted + "' 2>&1").exit_code ==
           0;
  }

 private:
  std::string server_;
  std::string name_;
  std::string url_;
};

}  // namespace sealflow::testing
