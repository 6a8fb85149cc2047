// Copyright sealflow authors.
#include "workflow/tokens.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/RandomStream.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Timestamp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sealflow::workflow {
namespace {

constexpr std::size_t kMaxTokenFileBytes = 16u << 20;  // bounds what a reload reads

std::string Sha256Hex(std::string_view data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string Base64Url(const unsigned char* bytes, std::size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch());
  return Poco::DateTimeFormatter::format(Poco::Timestamp(micros.count()),
                                         Poco::DateTimeFormat::ISO8601_FORMAT);
}

bool ValidOrgCode(const std::string& code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<TokenStore> TokenStore::Open(
    const std::string& data_dir, std::function<std::chrono::system_clock::time_point()> clock) {
  if (data_dir.empty()) throw TokenError("数据目录为空 / the data directory is empty");
  std::unique_ptr<TokenStore> store(new TokenStore());
  std::error_code ec;
  std::filesystem::create_directories(data_dir + "/workflow", ec);
  if (ec) {
    throw TokenError("无法创建 " + data_dir + "/workflow / cannot create it: " + ec.message());
  }
  store->path_ = data_dir + "/workflow/tokens.log";
  store->clock_ = clock ? std::move(clock) : [] { return std::chrono::system_clock::now(); };
  std::lock_guard<std::mutex> lock(store->mutex_);
  store->ReloadIfChangedLocked();
  return store;
}

TokenStore::~TokenStore() = default;

void TokenStore::ReloadIfChangedLocked() {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      throw TokenError("无法读取令牌文件 / cannot stat " + path_ + ": " + std::strerror(errno));
    }
    tokens_.clear();
    loaded_size_ = 0;
    loaded_mtime_ = 0;
    return;
  }
  long long mtime = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  if (static_cast<long long>(st.st_size) == loaded_size_ && mtime == loaded_mtime_) return;
  if (static_cast<std::size_t>(st.st_size) > kMaxTokenFileBytes) {
    throw TokenError("令牌文件过大 / the token file is too large: " + path_);
  }
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw TokenError("无法读取令牌文件 / cannot read " + path_);
  std::vector<TokenInfo> tokens;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (in.eof()) break;  // no newline: a torn last line
    try {
      Poco::JSON::Parser parser;
      auto object = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
      std::string op = object->optValue<std::string>("op", "");
      if (op == "issue") {
        TokenInfo info;
        info.sha256 = object->getValue<std::string>("sha256");
        info.id = info.sha256.substr(0, 12);
        std::optional<Role> role = ParseRole(object->getValue<std::string>("role"));
        if (!role) continue;
        info.role = *role;
        info.org_code = object->getValue<std::string>("org");
        info.name = object->optValue<std::string>("name", "");
        info.issued_at = object->optValue<std::string>("issuedAt", "");
        tokens.push_back(std::move(info));
      } else if (op == "revoke") {
        std::string id = object->getValue<std::string>("id");
        for (TokenInfo& info : tokens) {
          if (info.id == id) info.revoked = true;
        }
      }
    } catch (const Poco::Exception&) {
      // A line this version cannot read grants nothing.
    }
  }
  tokens_ = std::move(tokens);
  loaded_size_ = static_cast<long long>(st.st_size);
  loaded_mtime_ = mtime;
}

void TokenStore::AppendLocked(const std::string& line) {
  int fd = ::open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw TokenError("无法写入令牌文件 / cannot open " + path_ + ": " + std::strerror(errno));
  }
  std::string bytes = line + "\n";
  // After a torn last line (a crash mid-write), start on a line of our own.
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 0) {
    char last = '\n';
    if (::pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') bytes.insert(0, "\n");
  }
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      throw TokenError("写入令牌文件失败 / cannot write " + path_ + ": " + std::strerror(saved));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw TokenError("令牌文件同步失败 / cannot fsync " + path_);
}

IssuedToken TokenStore::Issue(Role role, const std::string& org_code, const std::string& name) {
  if (role == Role::kPublic) {
    throw TokenError("公众无需令牌 / the public role needs no token");
  }
  if (!ValidOrgCode(org_code)) {
    throw TokenError(
        "机构代码须为 1 到 64 个可打印字符、不含空格 / the organisation code must be 1..64 "
        "printable characters without spaces");
  }
  unsigned char random[32];
  Poco::RandomInputStream source;
  source.read(reinterpret_cast<char*>(random), sizeof random);
  if (source.gcount() != static_cast<std::streamsize>(sizeof random)) {
    throw TokenError("无法取得随机数 / no random bytes available");
  }
  IssuedToken issued;
  issued.token = "sft_" + Base64Url(random, sizeof random);
  issued.info.sha256 = Sha256Hex(issued.token);
  issued.info.id = issued.info.sha256.substr(0, 12);
  issued.info.role = role;
  issued.info.org_code = org_code;
  issued.info.name = name;
  issued.info.issued_at = IsoTime(clock_());

  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("op", "issue");
  line.set("sha256", issued.info.sha256);
  line.set("role", std::string(RoleName(role)));
  line.set("org", org_code);
  line.set("name", name);
  line.set("issuedAt", issued.info.issued_at);
  std::ostringstream out;
  line.stringify(out);
  std::lock_guard<std::mutex> lock(mutex_);
  AppendLocked(out.str());
  loaded_size_ = -1;  // re-read on next use
  ReloadIfChangedLocked();
  return issued;
}

bool TokenStore::Revoke(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  ReloadIfChangedLocked();
  bool found = false;
  for (const TokenInfo& info : tokens_) {
    if (info.id == id && !info.revoked) found = true;
  }
  if (!found) return false;
  Poco::JSON::Object line(Poco::JSON_PRESERVE_KEY_ORDER);
  line.set("op", "revoke");
  line.set("id", id);
  line.set("revokedAt", IsoTime(clock_()));
  std::ostringstream out;
  line.stringify(out);
  AppendLocked(out.str());
  loaded_size_ = -1;
  ReloadIfChangedLocked();
  return true;
}

std::vector<TokenInfo> TokenStore::List() {
  std::lock_guard<std::mutex> lock(mutex_);
  ReloadIfChangedLocked();
  return tokens_;
}

std::optional<Actor> TokenStore::Authenticate(std::string_view token) {
  if (token.size() < 8 || token.size() > 256) return std::nullopt;
  std::string hash = Sha256Hex(token);
  std::lock_guard<std::mutex> lock(mutex_);
  ReloadIfChangedLocked();
  for (const TokenInfo& info : tokens_) {
    if (info.sha256 == hash) {
      if (info.revoked) return std::nullopt;
      return Actor{info.role, info.org_code, info.name};
    }
  }
  return std::nullopt;
}

}  // namespace sealflow::workflow
