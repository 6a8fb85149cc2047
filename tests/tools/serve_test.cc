// Copyright sealflow authors.
// `sealflow serve` as a user runs it: the real binary on an ephemeral loopback port, the URL read
// from its first line of output, SIGTERM for a clean stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace sealflow::testing {
namespace {

// A running `sealflow serve ARGS...`; stopped with SIGTERM by Stop() (or the destructor).
class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      std::string bin = BinPath("sealflow");
      std::vector<char*> argv = {bin.data(), const_cast<char*>("serve")};
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(bin.c_str(), argv.data());
      _exit(127);
    }
    close(out[1]);
    out_ = fdopen(out[0], "r");
    char line[512] = {0};
    if (out_ != nullptr && std::fgets(line, sizeof line, out_) != nullptr) first_line_ = line;
    std::smatch match;
    if (std::regex_search(first_line_, match, std::regex(R"(http://127\.0\.0\.1:(\d+)/)"))) {
      port_ = static_cast<Poco::UInt16>(std::stoi(match[1]));
    }
  }
  ~ServeProcess() { Stop(); }

  // Sends SIGTERM and returns the exit status (waitpid's), or -1 if not running.
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_ != nullptr) fclose(out_);
    out_ = nullptr;
    return status;
  }

  Poco::UInt16 port() const { return port_; }
  const std::string& first_line() const { return first_line_; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::string first_line_;
  Poco::UInt16 port_ = 0;
};

TEST(Serve, StartsPrintsItsUrlAnswersAndStopsOnSigterm) {
  TempDir dir;
  WriteFile(dir.File("sealflow.properties"),
            "sealflow.data = " + dir.File("data") + "\nsealflow.port = 0\n");
  ServeProcess serve({"--config", dir.File("sealflow.properties")});
  ASSERT_NE(serve.port(), 0) << "no URL in: " << serve.first_line();

  Poco::Net::HTTPClientSession session("127.0.0.1", serve.port());
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz");
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), body);
  EXPECT_EQ(response.getStatus(), 200);
  EXPECT_NE(body.str().find("ok"), std::string::npos) << body.str();

  int status = serve.Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  // The configuration file's data directory was used.
  EXPECT_EQ(sealflow::testing::Run("test -f " + dir.File("data/catalog.db")).exit_code, 0);
}

// A SIGTERM that comes at once, while the service's threads are still starting, stops it as
// cleanly as a late one: the signal waits for the main thread instead of killing the process.
TEST(Serve, SigtermRightAfterTheUrlStillStopsCleanly) {
  for (int round = 0; round < 5; ++round) {
    TempDir dir;
    ServeProcess serve({"--data", dir.File("data"), "--port", "0"});
    ASSERT_NE(serve.port(), 0) << "no URL in: " << serve.first_line();
    int status = serve.Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "round " << round << ": status " << status;
  }
}

TEST(Serve, BuiltInTsaAnswersTheTimestampVerb) {
  TempDir dir;
  ServeProcess serve({"--data", dir.File("data"), "--port", "0", "--tsa-key",
                      TestDataPath("pki/tsa.key"), "--tsa-cert", TestDataPath("pki/tsa.pem"),
                      "--tsa-chain", TestDataPath("pki/root-ca.pem")});
  ASSERT_NE(serve.port(), 0) << "no URL in: " << serve.first_line();
  const std::string url = "http://127.0.0.1:" + std::to_string(serve.port()) + "/api/v1/tsa";
  CommandResult stamped = sealflow::testing::Run(
      BinPath("sealflow") + " timestamp " + TestDataPath("signing/unsigned-two-pages.pdf") +
      " -o " + dir.File("stamped.pdf") + " --tsa " + url);
  ASSERT_EQ(stamped.exit_code, 0) << stamped.output;
  CommandResult pdfsig = sealflow::testing::Run("pdfsig " + dir.File("stamped.pdf"));
  // poppler 22.12 lists a document timestamp but cannot classify RFC 3161: check the field, the
  // TSA as its signer and whole-document coverage (openssl ts -verify is in the signing tests).
  EXPECT_NE(pdfsig.output.find("DocTimeStamp1"), std::string::npos) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("测试时间戳服务"), std::string::npos) << pdfsig.output;
  EXPECT_NE(pdfsig.output.find("Total document signed"), std::string::npos) << pdfsig.output;
}

}  // namespace
}  // namespace sealflow::testing
