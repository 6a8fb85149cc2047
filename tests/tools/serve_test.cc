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

#include "support/test_support.h"

namespace sealflow::testing {
namespace {

TEST(Serve, StartsPrintsItsUrlAnswersAndStopsOnSigterm) {
  TempDir dir;
  WriteFile(dir.File("sealflow.properties"),
            "sealflow.data = " + dir.File("data") + "\nsealflow.port = 0\n");
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::string bin = BinPath("sealflow"), config = dir.File("sealflow.properties");
    execl(bin.c_str(), bin.c_str(), "serve", "--config", config.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* child_out = fdopen(out[0], "r");
  char line[512] = {0};
  ASSERT_NE(std::fgets(line, sizeof line, child_out), nullptr) << "serve printed nothing";
  std::smatch match;
  std::string first(line);
  ASSERT_TRUE(std::regex_search(first, match, std::regex(R"(http://127\.0\.0\.1:(\d+)/)")))
      << first;
  auto port = static_cast<Poco::UInt16>(std::stoi(match[1]));
  EXPECT_NE(port, 0);

  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz");
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(response), body);
  EXPECT_EQ(response.getStatus(), 200);
  EXPECT_NE(body.str().find("ok"), std::string::npos) << body.str();

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  fclose(child_out);
  // The configuration file's data directory was used.
  EXPECT_EQ(sealflow::testing::Run("test -f " + dir.File("data/catalog.db")).exit_code, 0);
}

}  // namespace
}  // namespace sealflow::testing
