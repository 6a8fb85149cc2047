// Copyright sealflow authors.
// sealflow serve: the HTTP service as a Poco ServerApplication (configuration file plus
// command-line options; SIGINT/SIGTERM stop it cleanly).
#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/ServerApplication.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "args.h"
#include "verbs.h"
#include "workflow/service.h"

namespace sealflow::cli {
namespace {

constexpr const char* kServeHelp =
    "用法 / usage: sealflow serve [--data DIR] [--port N] [--host ADDR] [--config FILE]\n"
    "                             [--trust CA.pem]... [--max-upload-bytes N]\n"
    "                             [--bureau-p12 FILE --bureau-password-file F] [--tick-seconds N]\n"
    "\n"
    "Runs the HTTP service on the archive and the pilot's workflow in DIR:\n"
    "  POST /api/v1/transitions         a signed document as a workflow transition (201 | 409)\n"
    "  POST /api/v1/notices             the bureau issues a notice (JSON; rendered and signed)\n"
    "  GET  /api/v1/providers, /projects, /deadlines, /ratings, /dashboard\n"
    "  GET  /api/v1/public/providers, /public/ratings, /public/notices   (no token)\n"
    "  POST /api/v1/documents           upload a signed PDF (verified before it is stored)\n"
    "  GET  /api/v1/documents/{id}      the record;  GET /api/v1/documents/{id}/pdf  the bytes\n"
    "  POST /api/v1/verify              verification report, stores nothing\n"
    "  GET  /api/v1/openapi.json        every route (OpenAPI 3);  GET /healthz\n"
    "Callers send \"Authorization: Bearer TOKEN\" (sealflow token issue); without it, the public.\n"
    "\n"
    "options (command line wins over the configuration file):\n"
    "  --data DIR              data directory (config sealflow.data; default ./sealflow-data)\n"
    "  --catalog URL           PostgreSQL catalog: postgresql://… or key=value (sealflow.catalog;\n"
    "                          default SQLite in DIR)\n"
    "  --blob-sync MODE        how uploads are made durable before they are catalogued\n"
    "                          (sealflow.blobSync): group = one syncfs(2) per commit group\n"
    "                          (default; one disk flush for many uploads), file = fsync each\n"
    "                          file and folder (when the data folder shares a busy filesystem)\n"
    "  --port N                TCP port, 0 = any free one (sealflow.port; default 8080)\n"
    "  --host ADDR             bind address (sealflow.host; default 127.0.0.1)\n"
    "  --trust FILE            PEM trust anchor, repeatable (sealflow.trust, comma-separated;\n"
    "                          default DIR/pki/root-ca.pem when it exists, as made by demo)\n"
    "  --max-upload-bytes N    larger uploads get 413 (sealflow.maxUploadBytes; default 33554432)\n"
    "  --tsa-key FILE          run the built-in RFC 3161 TSA at POST /api/v1/tsa with this key\n"
    "  --tsa-cert FILE         ... and this certificate (extendedKeyUsage timeStamping)\n"
    "  --tsa-chain FILE        ... and these chain certificates "
    "(sealflow.tsaKey/tsaCert/tsaChain)\n"
    "  --bureau-p12 FILE      the bureau's PKCS#12 for notices (sealflow.bureauP12; default\n"
    "                          DIR/pki/bureau.p12 when it exists, as made by demo)\n"
    "  --bureau-password-file F  its password (sealflow.bureauPasswordFile; default\n"
    "                          DIR/pki/password)\n"
    "  --tick-seconds N        the scheduler fires due deadlines every N seconds; 0 = only at\n"
    "                          start (sealflow.tickSeconds; default 60)\n"
    "  --config FILE           a .properties, .ini, .json or .xml file with the keys above\n"
    "\n"
    "example:\n"
    "  sealflow demo --data /tmp/sf && sealflow serve --data /tmp/sf --port 8080\n";

class ServeApplication : public Poco::Util::ServerApplication {
 public:
  explicit ServeApplication(const Args& args) : args_(args) {}

 protected:
  void initialize(Poco::Util::Application& self) override {
    if (auto config = args_.Get("config")) loadConfiguration(*config);
    Poco::Util::ServerApplication::initialize(self);
  }

  int main(const std::vector<std::string>&) override {
    // Before the service starts its threads (see StopSignals).
    const StopSignals stop_signals;
    workflow::ServiceOptions options;
    options.data_dir =
        args_.Get("data").value_or(config().getString("sealflow.data", "sealflow-data"));
    options.catalog = args_.Get("catalog").value_or(config().getString("sealflow.catalog", ""));
    const std::string blob_sync =
        args_.Get("blob-sync").value_or(config().getString("sealflow.blobSync", "group"));
    if (blob_sync == "group") {
      options.blob_sync = archive::StoreOptions::BlobSync::kPerGroup;
    } else if (blob_sync == "file") {
      options.blob_sync = archive::StoreOptions::BlobSync::kPerBlob;
    } else {
      std::fprintf(
          stderr,
          "sealflow serve: --blob-sync 须为 group 或 file / must be group or file, not %s\n",
          blob_sync.c_str());
      return kExitUsage;
    }
    options.host = args_.Get("host").value_or(config().getString("sealflow.host", "127.0.0.1"));
    options.port = static_cast<std::uint16_t>(Poco::NumberParser::parseUnsigned(
        args_.Get("port").value_or(config().getString("sealflow.port", "8080"))));
    options.max_upload_bytes = static_cast<std::size_t>(Poco::NumberParser::parseUnsigned64(
        args_.Get("max-upload-bytes")
            .value_or(config().getString("sealflow.maxUploadBytes", "33554432"))));
    options.tsa_key_file = args_.Get("tsa-key").value_or(config().getString("sealflow.tsaKey", ""));
    options.tsa_cert_file =
        args_.Get("tsa-cert").value_or(config().getString("sealflow.tsaCert", ""));
    options.tsa_chain_file =
        args_.Get("tsa-chain").value_or(config().getString("sealflow.tsaChain", ""));
    options.trust_anchor_files = args_.GetAll("trust");
    if (options.trust_anchor_files.empty()) {
      Poco::StringTokenizer tokens(
          config().getString("sealflow.trust", ""), ",",
          Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
      options.trust_anchor_files.assign(tokens.begin(), tokens.end());
    }
    std::string demo_root = options.data_dir + "/pki/root-ca.pem";
    if (options.trust_anchor_files.empty() && std::filesystem::exists(demo_root)) {
      options.trust_anchor_files.push_back(demo_root);
    }
    options.bureau_p12 =
        args_.Get("bureau-p12").value_or(config().getString("sealflow.bureauP12", ""));
    std::string password_file =
        args_.Get("bureau-password-file")
            .value_or(config().getString("sealflow.bureauPasswordFile", ""));
    if (options.bureau_p12.empty() &&
        std::filesystem::exists(options.data_dir + "/pki/bureau.p12")) {
      options.bureau_p12 = options.data_dir + "/pki/bureau.p12";
      if (password_file.empty()) password_file = options.data_dir + "/pki/password";
    }
    if (!password_file.empty()) {
      std::string password = ReadFileOrThrow(password_file);
      while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
        password.pop_back();
      }
      options.bureau_p12_password = password;
    }
    options.tick_interval = std::chrono::seconds(Poco::NumberParser::parseUnsigned(
        args_.Get("tick-seconds").value_or(config().getString("sealflow.tickSeconds", "60"))));
    auto service = workflow::Service::Start(options);
    std::printf(
        "sealflow 服务已启动 / listening on http://%s:%u/  (data: %s; trust anchors: %zu)\n",
        options.host.c_str(), service->port(), options.data_dir.c_str(),
        options.trust_anchor_files.size());
    std::fflush(stdout);
    stop_signals.Wait();
    service->Stop();
    std::printf("sealflow 服务已停止 / stopped\n");
    return Poco::Util::Application::EXIT_OK;
  }

 private:
  const Args& args_;
};

}  // namespace

int RunServe(int argc, char** argv) {
  Args args(
      argc, argv,
      {"data", "catalog", "blob-sync", "port", "host", "config", "trust", "max-upload-bytes",
       "tsa-key", "tsa-cert", "tsa-chain", "bureau-p12", "bureau-password-file", "tick-seconds"},
      {});
  if (int rc = HandleHelpAndErrors(args, "serve", kServeHelp); rc >= 0) return rc;
  if (!args.positional().empty()) {
    std::fprintf(stderr, "sealflow serve: 多余的参数 / unexpected argument %s\n",
                 args.positional()[0].c_str());
    return kExitUsage;
  }
  ServeApplication app(args);
  // Poco parses its own options from argv; hand it only the program name so ours stay ours.
  char program[] = "sealflow-serve";
  char* poco_argv[] = {program, nullptr};
  return app.run(1, poco_argv);
}

}  // namespace sealflow::cli
