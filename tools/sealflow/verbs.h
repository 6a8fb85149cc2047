// Copyright sealflow authors.
// The verbs of the sealflow command-line tool. Each verb is a function taking its own argv
// (argv[0] is the verb's name) and returning the process exit code.
#pragma once

#include <vector>

namespace sealflow::cli {

// Exit codes shared by every verb (verify adds 1 = INVALID, 2 = INDETERMINATE).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the input is invalid (schema, signature)
inline constexpr int kExitFailure = 3;  // the work could not be done (I/O, bad key, ...)
inline constexpr int kExitUsage = 64;   // bad command line (EX_USAGE)

struct Verb {
  const char* name;
  const char* summary;
  int (*run)(int argc, char** argv);
};

const std::vector<Verb>& Verbs();

int RunRender(int argc, char** argv);
int RunValidate(int argc, char** argv);
int RunSign(int argc, char** argv);
int RunTimestamp(int argc, char** argv);
int RunVerify(int argc, char** argv);
int RunCa(int argc, char** argv);
int RunServe(int argc, char** argv);
int RunDemo(int argc, char** argv);
int RunSchema(int argc, char** argv);
int RunAudit(int argc, char** argv);
int RunDossier(int argc, char** argv);
int RunFixity(int argc, char** argv);

}  // namespace sealflow::cli
