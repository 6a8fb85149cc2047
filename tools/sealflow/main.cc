// Copyright sealflow authors.
// sealflow: the command-line tool. One verb per file (verb_*.cc); this file dispatches.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "verbs.h"

namespace {

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "sealflow — 新乡市中小企业数字化转型试点 文档签章与档案系统\n"
               "usage: sealflow VERB [options]   (sealflow VERB --help for details)\n\nverbs:\n");
  for (const auto& verb : sealflow::cli::Verbs()) {
    std::fprintf(out, "  %-10s %s\n", verb.name, verb.summary);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 64 : 0;
  }
  for (const auto& verb : sealflow::cli::Verbs()) {
    if (verb.name == std::string(argv[1])) {
      try {
        return verb.run(argc - 1, argv + 1);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "sealflow %s: 错误 / error: %s\n", verb.name, e.what());
        return 3;
      }
    }
  }
  std::fprintf(stderr, "sealflow: 未知命令 / unknown verb '%s'\n", argv[1]);
  PrintUsage(stderr);
  return 64;
}
