// Copyright sealflow authors.
// A small command-line parser: positional arguments, "--name VALUE" / "--name=VALUE" options
// (repeatable), boolean flags, and "-o FILE" as a short alias where a verb declares it.
#pragma once

#include <signal.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sealflow::cli {

class Args {
 public:
  // value_options: names (without dashes) that take a value; flags: names that do not.
  // aliases: short name -> long name (e.g. {"o", "output"}). "--help"/"-h" is always a flag.
  Args(int argc, char** argv, std::set<std::string> value_options, std::set<std::string> flags,
       std::map<std::string, std::string> aliases = {});

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  bool help() const { return Has("help"); }

  const std::vector<std::string>& positional() const { return positional_; }
  std::optional<std::string> Get(const std::string& name) const;
  std::vector<std::string> GetAll(const std::string& name) const;
  bool Has(const std::string& flag) const { return flags_.count(flag) > 0; }

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_;
  std::string error_;
};

// Prints text to stdout for --help (exit 0), or the parse error and a pointer to --help to stderr
// (exit 64). Returns the exit code, or -1 if the verb should go on.
int HandleHelpAndErrors(const Args& args, const char* verb, const char* help_text);

// A JSON string literal (quoted, escaped) for text that is UTF-8.
std::string JsonString(const std::string& text);

// Reads a whole file; throws std::runtime_error naming the path on failure.
std::string ReadFileOrThrow(const std::string& path);
// Writes a file atomically (temporary file, fsync, rename); throws std::runtime_error.
void WriteFileAtomically(const std::string& path, const std::string& bytes);

// The signals that stop a server verb cleanly: SIGINT, SIGTERM and SIGQUIT. The constructor
// blocks them in the calling thread, and so in every thread started from it afterwards; Wait()
// takes one. Construct it before the server starts any thread (its own std::threads block no
// signal): a stop signal then stays pending until Wait() instead of taking the default action
// wherever it lands, which would kill the process mid-write.
class StopSignals {
 public:
  StopSignals();
  // Blocks until one of the signals arrives (or is already pending); returns it.
  int Wait() const;

 private:
  sigset_t set_;
};

}  // namespace sealflow::cli
