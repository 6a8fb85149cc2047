// Copyright sealflow authors.
// The SQLite catalog (Poco Data): one writer connection behind a mutex, because concurrent
// SQLite writers queue on the database lock with long tails, and a small pool of reader
// connections, because a Poco Data Session is not safe to share between threads. Every
// connection gets its PRAGMAs when it is opened (they are per connection).
// Throws ArchiveError(kCatalog) for any Poco Data / SQLite failure.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "archive/store.h"

namespace Poco::Data {
class Session;
}

namespace sealflow::archive::internal {

class Catalog {
 public:
  // Opens (creating) the database file and its schema.
  explicit Catalog(std::string path);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Inserts one row in its own transaction. Serialised with every other write.
  void Insert(const DocumentRecord& record);

  std::optional<DocumentRecord> Get(const std::string& id) const;
  std::uint64_t Count() const;
  // Number of rows whose blob is sha256.
  std::uint64_t CountReferences(const std::string& sha256) const;
  // Every distinct sha256 in the catalog.
  std::set<std::string> AllBlobs() const;

 private:
  class ReaderLease;
  std::unique_ptr<Poco::Data::Session> OpenSession() const;
  std::unique_ptr<Poco::Data::Session> AcquireReader() const;
  void ReleaseReader(std::unique_ptr<Poco::Data::Session> session) const;

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<Poco::Data::Session> writer_;  // guarded by write_mutex_

  mutable std::mutex readers_mutex_;
  mutable std::vector<std::unique_ptr<Poco::Data::Session>> idle_readers_;
};

}  // namespace sealflow::archive::internal
