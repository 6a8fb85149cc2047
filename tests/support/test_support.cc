// Copyright sealflow authors.
#include "support/test_support.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sealflow::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sealflow-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

CommandResult Run(const std::string& command) {
  CommandResult result;
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "cannot start: " << command;
    return result;
  }
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string SourcePath(const std::string& relative) {
  return std::string(SEALFLOW_SOURCE_DIR) + "/" + relative;
}
std::string TestDataPath(const std::string& relative) {
  return std::string(SEALFLOW_TEST_DATA_DIR) + "/" + relative;
}
std::string BinPath(const std::string& name) { return std::string(SEALFLOW_BIN_DIR) + "/" + name; }

std::chrono::system_clock::time_point FixedNow() {
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(1772352000));  // 2026-03-01T08:00Z
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) text.replace(pos, from.size(), to);
  return text;
}

std::size_t Utf8CharLength(char lead) {
  auto byte = static_cast<unsigned char>(lead);
  return byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4;
}

std::size_t LongestTextValue(const std::string& xml, std::size_t& length) {
  std::size_t best = std::string::npos;
  length = 0;
  for (std::size_t open = xml.find('>'); open != std::string::npos;
       open = xml.find('>', open + 1)) {
    std::size_t close = xml.find('<', open + 1);
    if (close == std::string::npos) break;
    if (close - open - 1 > length && xml[open + 1] != '\n' && xml[open + 1] != ' ') {
      best = open + 1;
      length = close - open - 1;
    }
  }
  return best;
}

std::string WithLineBreakInLongestText(std::string xml) {
  std::size_t length = 0;
  const std::size_t best = LongestTextValue(xml, length);
  if (best == std::string::npos) return "";
  return xml.insert(best + Utf8CharLength(xml[best]), "\n");
}

std::string AssemblePdf(const std::vector<std::string>& objects, const std::string& trailer_extra) {
  std::string out = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (std::size_t offset : offsets) {
    char entry[32];
    std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", offset);
    out += entry;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R" +
         trailer_extra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace sealflow::testing
