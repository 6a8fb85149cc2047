// Copyright sealflow authors.
// Bearer tokens for the HTTP service: who may call which route (an Actor: role + organisation).
//
// Tokens are issued by `sealflow token issue` (or Issue()) and shown once; only their SHA-256 is
// stored. A token is "sft_" followed by 43 base64url characters (256 random bits); its id is the
// first 12 hex characters of its hash (for `token list` / `token revoke`).
//
// Storage: DATA/workflow/tokens.log, one JSON line per issue or revocation, appended with
// O_APPEND and fsynced, so the CLI can issue or revoke while the service runs: Authenticate()
// notices that the file changed (size or modification time) and reloads it. A torn last line
// (crash mid-write) is ignored.
//
// Thread safety: all methods may be called from many threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/pilot.h"

namespace sealflow::workflow {

// A token's stored facts (never the token itself).
struct TokenInfo {
  std::string id;  // first 12 hex characters of the token's SHA-256
  std::string sha256;
  Role role = Role::kPublic;
  std::string org_code;
  std::string name;
  std::string issued_at;  // ISO 8601 UTC
  bool revoked = false;
};

struct IssuedToken {
  std::string token;  // shown once
  TokenInfo info;
};

// Bad input (unknown role, missing organisation) or an unusable token file.
class TokenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TokenStore {
 public:
  // Opens (creating the folder if needed) DATA/workflow/tokens.log. `clock` dates issues
  // (default: the system clock). Throws TokenError if the file exists and cannot be read.
  static std::unique_ptr<TokenStore> Open(
      const std::string& data_dir,
      std::function<std::chrono::system_clock::time_point()> clock = nullptr);

  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;
  ~TokenStore();

  // Issues a token. Role kPublic is refused (the public needs none); org_code must be non-empty
  // printable ASCII without spaces (at most 64 characters). Throws TokenError.
  IssuedToken Issue(Role role, const std::string& org_code, const std::string& name);
  // Revokes the token with this id. False if there is none (or it was revoked already).
  bool Revoke(const std::string& id);
  // Every token issued, oldest first.
  std::vector<TokenInfo> List();
  // The actor a presented token stands for; nullopt for an unknown or revoked token.
  std::optional<Actor> Authenticate(std::string_view token);

 private:
  TokenStore() = default;
  void ReloadIfChangedLocked();
  void AppendLocked(const std::string& line);

  std::string path_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  std::mutex mutex_;
  std::vector<TokenInfo> tokens_;
  long long loaded_size_ = -1;
  long long loaded_mtime_ = -1;
};

}  // namespace sealflow::workflow
