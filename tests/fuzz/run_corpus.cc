// Copyright sealflow authors.
// A plain driver for the fuzz targets, so their corpora run under CTest without libFuzzer:
//   fuzz_X FILE_OR_DIR...
// Each input runs as is and in deterministic variants (truncated at 16 points, one bit flipped
// at 64 evenly spaced offsets), so the regression run also walks the error paths. A target that
// lets an exception escape or crashes fails the test. Built with clang's -fsanitize=fuzzer, the
// same targets link against libFuzzer instead of this file.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void RunOne(const std::string& bytes) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

std::size_t RunWithVariants(const std::string& bytes) {
  std::size_t runs = 0;
  RunOne(bytes);
  ++runs;
  for (int i = 1; i <= 16 && !bytes.empty(); ++i) {
    RunOne(bytes.substr(0, bytes.size() * static_cast<std::size_t>(i) / 17));
    ++runs;
  }
  for (int i = 0; i < 64 && !bytes.empty(); ++i) {
    std::string flipped = bytes;
    std::size_t at = flipped.size() * static_cast<std::size_t>(i) / 64;
    flipped[at] = static_cast<char>(flipped[at] ^ (1 << (i % 8)));
    RunOne(flipped);
    ++runs;
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(p)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "no corpus files given\n");
    return 1;
  }
  std::size_t runs = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    runs += RunWithVariants(content.str());
  }
  std::printf("%zu inputs, %zu runs, no escaped exception or crash\n", files.size(), runs);
  return 0;
}
