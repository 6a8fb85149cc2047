// Copyright sealflow authors.
#include "args.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sealflow::cli {

Args::Args(int argc, char** argv, std::set<std::string> value_options, std::set<std::string> flags,
           std::map<std::string, std::string> aliases) {
  flags.insert("help");
  aliases.emplace("h", "help");
  bool only_positional = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string name;
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      name = arg.substr(2);
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
    } else {
      auto alias = aliases.find(arg.substr(1));
      if (alias == aliases.end()) {
        error_ = "unknown option " + arg;
        return;
      }
      name = alias->second;
    }
    if (flags.count(name)) {
      if (inline_value) {
        error_ = "option --" + name + " takes no value";
        return;
      }
      flags_.insert(name);
    } else if (value_options.count(name)) {
      if (!inline_value) {
        if (i + 1 >= argc) {
          error_ = "option --" + name + " needs a value";
          return;
        }
        inline_value = argv[++i];
      }
      values_[name].push_back(*inline_value);
    } else {
      error_ = "unknown option " + arg;
      return;
    }
  }
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

int HandleHelpAndErrors(const Args& args, const char* verb, const char* help_text) {
  if (!args.ok()) {
    std::fprintf(stderr, "sealflow %s: 参数错误 / usage error: %s\n(see: sealflow %s --help)\n",
                 verb, args.error().c_str(), verb);
    return 64;
  }
  if (args.help()) {
    std::fputs(help_text, stdout);
    return 0;
  }
  return -1;
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string ReadFileOrThrow(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("无法读取 / cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFileAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0)
    throw std::runtime_error("无法写入 / cannot write " + path + ": " + std::strerror(errno));
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error("无法写入 / cannot write " + path + ": " + std::strerror(saved));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0 ||
      ::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error("无法写入 / cannot write " + path + ": " + std::strerror(saved));
  }
}

StopSignals::StopSignals() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  sigaddset(&set_, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &set_, nullptr);
}

int StopSignals::Wait() const {
  int received = 0;
  sigwait(&set_, &received);
  return received;
}

}  // namespace sealflow::cli
