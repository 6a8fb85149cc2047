// Copyright sealflow authors.
// Crash safety end to end: the real `sealflow serve` as a child process, several client threads
// uploading signed PDFs over HTTP, SIGKILL at points chosen by a seeded schedule, restart, and
// the archive's promises checked after every restart: every acknowledged (201) upload is there
// byte for byte, no row without its blob, orphan blobs and temporary files swept at start, the
// audit chain whole, fixity clean.
//
// Deterministic in what it asserts: the schedule (how many acknowledgements before each kill)
// comes from a fixed seed; where exactly each in-flight request is when the signal lands varies,
// and every outcome of that is one the archive must survive.
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "archive/store.h"
#include "forms/renderer.h"
#include "signing/credentials.h"
#include "signing/signer.h"
#include "support/sign_at_block.h"
#include "support/test_support.h"

extern char** environ;

namespace sealflow::archive {
namespace {

namespace fs = std::filesystem;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using sealflow::testing::BinPath;
using sealflow::testing::FixedNow;
using sealflow::testing::ReadFile;
using sealflow::testing::SourcePath;
using sealflow::testing::TempDir;
using sealflow::testing::TestDataPath;

constexpr int kDistinctPdfs = 12;
constexpr int kClients = 6;
constexpr int kKills = 4;
constexpr unsigned kSeed = 20260301;
// The provider of the test PKI (tests/data/pki/provider.pem).
constexpr const char* kProviderCode = "91410700MA44C1RX23";

struct HttpResult {
  int status = 0;  // 0: no response (connection refused or cut)
  std::string body;
};

HttpResult Send(std::uint16_t port, const std::string& method, const std::string& uri,
                const std::string& token, const std::string* pdf = nullptr) {
  HttpResult result;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(60, 0));
    HTTPRequest request(method, uri, HTTPRequest::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (pdf != nullptr) {
      request.setContentType("application/pdf");
      request.setContentLength64(static_cast<Poco::Int64>(pdf->size()));
    }
    std::ostream& out = session.sendRequest(request);
    if (pdf != nullptr) out.write(pdf->data(), static_cast<std::streamsize>(pdf->size()));
    HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::string body;
    Poco::StreamCopier::copyToString(in, body);
    if (!in.good() && !in.eof()) return result;  // cut mid-body: not an answer
    result.status = static_cast<int>(response.getStatus());
    result.body = std::move(body);
  } catch (const Poco::Exception&) {
    result.status = 0;
  } catch (const std::exception&) {
    result.status = 0;
  }
  return result;
}

// `sealflow serve` as a child process: stdout on a pipe (for the port it prints), stderr in a
// file for diagnostics.
class ServerProcess {
 public:
  ServerProcess(const std::string& data_dir, const std::string& log_path) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    std::vector<std::string> args = {BinPath("sealflow"),
                                     "serve",
                                     "--data",
                                     data_dir,
                                     "--port",
                                     "0",
                                     "--trust",
                                     TestDataPath("pki/root-ca.pem")};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_ = fds[0];
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn sealflow serve failed");
    }
    port_ = ReadPort();
  }
  ~ServerProcess() {
    if (pid_ > 0) Kill(SIGKILL);
    if (out_ >= 0) ::close(out_);
  }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }

  // Sends the signal and reaps the child; returns its wait status.
  int Kill(int signal) {
    int status = 0;
    if (pid_ <= 0) return status;
    ::kill(pid_, signal);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    return status;
  }

 private:
  // Reads stdout until "listening on http://HOST:PORT/"; 0 if the child ends before that.
  std::uint16_t ReadPort() {
    static const std::regex kListening("listening on http://[^:/]+:([0-9]+)/");
    std::string text;
    char buffer[512];
    for (;;) {
      ssize_t n = ::read(out_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return 0;
      text.append(buffer, static_cast<std::size_t>(n));
      std::smatch match;
      if (std::regex_search(text, match, kListening)) {
        return static_cast<std::uint16_t>(std::stoul(match[1].str()));
      }
    }
  }

  pid_t pid_ = -1;
  int out_ = -1;
  std::uint16_t port_ = 0;
};

class CrashTest : public ::testing::Test {
 protected:
  // One rendered application, signed kDistinctPdfs times with different reasons: distinct,
  // valid signed PDFs.
  static void SetUpTestSuite() {
    pdfs_ = new std::vector<std::string>();
    forms::RendererOptions render_options;
    render_options.clock = FixedNow;
    auto renderer = forms::Renderer::Create(render_options);
    forms::RenderResult rendered =
        renderer->Render(ReadFile(SourcePath("xml-schemas/examples/application.xml")));
    ASSERT_TRUE(rendered.report.ok()) << forms::FormatFindings(rendered.report);
    auto credentials = signing::Credentials::FromPem(TestDataPath("pki/provider.key"),
                                                     TestDataPath("pki/provider.pem"),
                                                     TestDataPath("pki/chain.pem"));
    signing::SignerOptions sign_options;
    sign_options.clock = FixedNow;
    auto signer = signing::Signer::Create(std::move(credentials), sign_options);
    for (int i = 0; i < kDistinctPdfs; ++i) {
      signing::SignRequest request = sealflow::testing::RequestAtBlock(rendered.form, "provider");
      request.reason = "申报 / application #" + std::to_string(i);
      pdfs_->push_back(signer->Sign(rendered.form.pdf, request));
    }
  }
  static void TearDownTestSuite() {
    delete pdfs_;
    pdfs_ = nullptr;
  }

  std::string DataDir() const { return dir_.File("data"); }

  // A bearer token when the service has them (`sealflow token issue`); "" otherwise.
  std::string IssueToken() {
    sealflow::testing::CommandResult issued =
        sealflow::testing::Run(BinPath("sealflow") + " token issue --data " + DataDir() +
                               " --role provider --org " + kProviderCode);
    if (issued.exit_code != 0) return "";
    // The token is the one "sft_..." word of the output (the rest describes it).
    static const std::regex kToken("sft_[A-Za-z0-9_-]+");
    std::smatch match;
    return std::regex_search(issued.output, match, kToken) ? match.str() : std::string();
  }

  std::unique_ptr<ServerProcess> Start() {
    auto server = std::make_unique<ServerProcess>(DataDir(), dir_.File("serve.log"));
    EXPECT_NE(server->port(), 0) << ReadFile(dir_.File("serve.log"));
    return server;
  }

  // Every acknowledged upload so far is served back byte for byte.
  void ExpectAcknowledgedPresent(std::uint16_t port, const std::string& token) {
    for (const auto& [id, index] : acknowledged_) {
      HttpResult pdf = Send(port, HTTPRequest::HTTP_GET, "/api/v1/documents/" + id + "/pdf", token);
      ASSERT_EQ(pdf.status, 200) << id << ": " << pdf.body;
      EXPECT_TRUE(pdf.body == (*pdfs_)[index]) << "record " << id << " is not byte-identical";
    }
  }

  // Plants what a crash can leave in the blob folder: a half-written temporary file and a blob
  // that no row names. Both must be gone once the next server is listening.
  void PlantLeftovers(int round) {
    const std::string tmp = DataDir() + "/blobs/tmp/leftover-" + std::to_string(round);
    sealflow::testing::WriteFile(tmp, "half-written");
    const std::string orphan_name(64, "0123456789abcdef"[round % 16]);
    fs::create_directories(DataDir() + "/blobs/" + orphan_name.substr(0, 2));
    planted_.push_back(DataDir() + "/blobs/" + orphan_name.substr(0, 2) + "/" + orphan_name);
    sealflow::testing::WriteFile(planted_.back(), "an orphan blob");
    planted_.push_back(tmp);
    // A blob being written beside its final name (where Puts write them now).
    planted_.push_back(DataDir() + "/blobs/" + orphan_name.substr(0, 2) + "/.tmp-leftover-" +
                       std::to_string(round));
    sealflow::testing::WriteFile(planted_.back(), "half-written");
  }

  static std::vector<std::string>* pdfs_;
  TempDir dir_;
  std::map<std::string, int> acknowledged_;  // record id -> index of the PDF sent
  std::vector<std::string> planted_;
};

std::vector<std::string>* CrashTest::pdfs_ = nullptr;

TEST_F(CrashTest, AcknowledgedUploadsSurviveSigkillDuringConcurrentUploads) {
  ASSERT_TRUE(fs::exists(BinPath("sealflow"))) << "build the sealflow target first";
  fs::create_directories(DataDir());
  const std::string token = IssueToken();
  std::mt19937 schedule(kSeed);
  std::uniform_int_distribution<int> acks_before_kill(2, 10);
  int next_pdf = 0;

  for (int round = 0; round <= kKills; ++round) {
    std::unique_ptr<ServerProcess> server = Start();
    ASSERT_NE(server->port(), 0);
    for (const std::string& path : planted_) {
      EXPECT_FALSE(fs::exists(path)) << path << " was not swept at start";
    }
    ExpectAcknowledgedPresent(server->port(), token);
    if (round == kKills) {
      server->Kill(SIGTERM);  // the last server stops cleanly
      break;
    }

    // Clients upload until the server goes away; the main thread kills it once `target`
    // uploads of this round have been acknowledged.
    const int target = acks_before_kill(schedule);
    std::mutex mutex;
    std::condition_variable cv;
    int acked_this_round = 0;
    int clients_done = 0;
    std::atomic<int> unexpected{0};
    std::atomic<bool> killed{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        // However this client ends, the main thread must hear of it.
        struct Done {
          std::mutex& mutex;
          std::condition_variable& cv;
          int& done;
          ~Done() {
            std::lock_guard<std::mutex> lock(mutex);
            ++done;
            cv.notify_all();
          }
        } done{mutex, cv, clients_done};
        for (int i = 0; !killed.load(); ++i) {
          const int index = (next_pdf + c + i * kClients) % kDistinctPdfs;
          HttpResult created = Send(server->port(), HTTPRequest::HTTP_POST, "/api/v1/documents",
                                    token, &(*pdfs_)[static_cast<std::size_t>(index)]);
          if (created.status == 0) {
            if (!killed.load()) ++unexpected;  // only the kill may cut a connection
            return;
          }
          if (created.status != 201) {
            ++unexpected;
            ADD_FAILURE() << "upload refused: " << created.status << " " << created.body;
            return;
          }
          Poco::JSON::Parser parser;
          auto record = parser.parse(created.body).extract<Poco::JSON::Object::Ptr>();
          std::lock_guard<std::mutex> lock(mutex);
          acknowledged_[record->getValue<std::string>("id")] = index;
          ++acked_this_round;
          cv.notify_all();
        }
      });
    }
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] {
        return acked_this_round >= target || unexpected.load() > 0 || clients_done == kClients;
      });
      killed = true;
    }
    int status = server->Kill(SIGKILL);
    for (std::thread& client : clients) client.join();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    ASSERT_EQ(unexpected.load(), 0) << ReadFile(dir_.File("serve.log"));
    next_pdf += 5;
    PlantLeftovers(round);
  }

  // Offline: the catalog and the blob folder agree exactly.
  StoreOptions options;
  options.data_dir = DataDir();
  options.read_only = true;
  auto store = DocumentStore::Open(options);
  std::set<std::string> catalogued_blobs;
  std::uint64_t rows = 0;
  SearchQuery query;
  query.limit = kMaxSearchLimit;
  for (;;) {
    SearchPage page = store->Search(query);
    for (const DocumentRecord& record : page.records) {
      ++rows;
      catalogued_blobs.insert(record.sha256);
    }
    if (page.next_cursor.empty()) break;
    query.cursor = page.next_cursor;
  }
  EXPECT_EQ(rows, store->Count());
  EXPECT_GE(rows, acknowledged_.size());  // committed but unacknowledged rows may exist too
  for (const auto& [id, index] : acknowledged_) {
    std::optional<DocumentRecord> record = store->Get(id);
    ASSERT_TRUE(record.has_value()) << id;
    EXPECT_TRUE(store->ReadBytes(*record) == (*pdfs_)[static_cast<std::size_t>(index)]);
  }
  // No orphan rows (every row's blob is there and intact), no orphan blobs.
  FixityCheck fixity = store->CheckFixity();
  EXPECT_TRUE(fixity.ok()) << fixity.missing.size() << " missing, " << fixity.corrupt.size()
                           << " corrupt";
  EXPECT_EQ(fixity.blobs, catalogued_blobs.size());
  EXPECT_EQ(store->BlobCount(), catalogued_blobs.size());
  AuditCheck audit = store->VerifyAudit();
  EXPECT_TRUE(audit.ok) << (audit.findings.empty() ? "" : audit.findings.front());
  EXPECT_EQ(audit.entries, rows);
  store.reset();

  // And the command-line checks say the same.
  sealflow::testing::CommandResult fixity_cli =
      sealflow::testing::Run(BinPath("sealflow") + " fixity --data " + DataDir());
  EXPECT_EQ(fixity_cli.exit_code, 0) << fixity_cli.output;
  sealflow::testing::CommandResult audit_cli =
      sealflow::testing::Run(BinPath("sealflow") + " audit verify --data " + DataDir());
  EXPECT_EQ(audit_cli.exit_code, 0) << audit_cli.output;
}

}  // namespace
}  // namespace sealflow::archive
