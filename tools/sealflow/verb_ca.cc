// Copyright sealflow authors.
// sealflow ca init | issue | revoke | crl | ocsp: the bureau's certificate authority for the
// pilot's role certificates, kept in one folder:
//   root.key (PKCS#8, mode 0600), root.pem   the CA
//   serial, crlnumber                         the next certificate serial and CRL number
//   index.tsv                                 serial, V|R, revocation time, reason, role, subject
//   certs/SERIAL.pem                          every issued certificate
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.h"
#include "forms/credit_code.h"
#include "signing/ca.h"
#include "signing/credentials.h"
#include "signing/ocsp.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

using Clock = std::chrono::system_clock;

constexpr const char* kCaHelp =
    "用法 / usage: sealflow ca init   --dir D --name NAME [--days N] [--now T]\n"
    "              sealflow ca issue  --dir D --role ROLE --org NAME --credit-code CODE [--cn "
    "NAME]\n"
    "                                 --p12 OUT.p12 --password-file F [--key-type TYPE]\n"
    "                                 [--days N] [--now T]\n"
    "              sealflow ca revoke --dir D --serial N [--reason REASON] [--now T]\n"
    "              sealflow ca crl    --dir D -o CRL.pem [--next-update-days N] [--now T]\n"
    "              sealflow ca ocsp   --dir D [--port N] [--host H] [--next-update-hours N]\n"
    "                                 [--responder-key K.pem --responder-cert C.pem]\n"
    "\n"
    "The bureau's CA for the pilot's role certificates. init creates a self-signed root\n"
    "(RSA-2048, SHA-256) and the folder's index, serial and CRL number. issue creates a key and a\n"
    "certificate (keyUsage critical digitalSignature + nonRepudiation; subject C=CN, O=org,\n"
    "OU=role, CN, serialNumber=credit code; a tsa gets extendedKeyUsage critical timeStamping)\n"
    "and delivers key, certificate and root as a PKCS#12 (AES-256, PBKDF2). The key is not kept.\n"
    "revoke marks a certificate revoked; crl writes a CRL signed by the CA listing every revoked\n"
    "certificate with its reason. ocsp serves RFC 6960 OCSP over HTTP (POST\n"
    "application/ocsp-request) until SIGINT/SIGTERM: good / revoked (time, reason) / unknown from\n"
    "the folder's index, read again for every request, signed by the CA key (SHA-256).\n"
    "\n"
    "options:\n"
    "  --dir D                 the CA folder (init creates it)\n"
    "  --name NAME             init: the CA's organisation, e.g. 新乡市工业和信息化局\n"
    "  --role ROLE             provider | enterprise | agency | bureau | tsa | ocsp (a\n"
    "                          delegated OCSP responder: extendedKeyUsage OCSPSigning)\n"
    "  --ocsp-url URL          issue: authorityInfoAccess OCSP URL (what --ocsp-aia asks)\n"
    "  --org NAME              the holder's organisation (O)\n"
    "  --credit-code CODE      unified social credit code (subject serialNumber)\n"
    "  --cn NAME               commonName (default: the organisation)\n"
    "  --key-type TYPE         rsa2048 (default) | rsa3072 | p256 | sm2\n"
    "  --p12 FILE              the PKCS#12 for the holder; --password-file its password\n"
    "  --days N                validity (init: 7300, issue: 1095)\n"
    "  --serial N              revoke: the certificate's serial (decimal, as issue prints it)\n"
    "  --reason REASON         unspecified (default) | keyCompromise | superseded |\n"
    "                          affiliationChanged | cessationOfOperation | ...\n"
    "  -o, --output FILE       crl: the PEM CRL\n"
    "  --next-update-days N    crl: nextUpdate after thisUpdate (default 7)\n"
    "  --now T                 the current time, e.g. 2026-03-01T08:00:00Z (tests)\n"
    "  --port N                ocsp: TCP port (default 8088; 0 = any free port, printed)\n"
    "  --host H                ocsp: address to listen on (default 127.0.0.1)\n"
    "  --next-update-hours N   ocsp: nextUpdate after thisUpdate (default 24)\n"
    "  --responder-key K.pem   ocsp: sign with a delegated responder (role ocsp) instead of\n"
    "  --responder-cert C.pem  the CA key (PEM key and certificate)\n"
    "\n"
    "exit: 0 done, 3 failure, 64 usage\n"
    "example:\n"
    "  sealflow ca init --dir ca --name 新乡市工业和信息化局\n"
    "  sealflow ca issue --dir ca --role provider --org 新乡市示例软件服务有限公司 \\\n"
    "      --credit-code 91410700MA44C1RX23 --p12 provider.p12 --password-file pass.txt\n"
    "  sealflow ca revoke --dir ca --serial 2 --reason keyCompromise\n"
    "  sealflow ca crl --dir ca -o crl.pem\n"
    "  sealflow ca ocsp --dir ca --port 8088\n";

std::string FirstLine(const std::string& text) {
  auto end = text.find_first_of("\r\n");
  return end == std::string::npos ? text : text.substr(0, end);
}

Clock::time_point ParseNow(const std::optional<std::string>& text) {
  if (!text) return Clock::now();
  std::tm tm{};
  std::istringstream in(*text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  if (in.fail()) throw std::invalid_argument("--now: expected YYYY-MM-DDTHH:MM:SSZ");
  return Clock::from_time_t(timegm(&tm));
}

int ParseInt(const std::optional<std::string>& text, int fallback, const char* what) {
  if (!text) return fallback;
  try {
    std::size_t used = 0;
    const int value = std::stoi(*text, &used);
    if (used == text->size() && value > 0) return value;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(std::string(what) + ": expected a positive number");
}

std::string Path(const std::string& dir, const std::string& name) { return dir + "/" + name; }

struct IndexEntry {
  std::string serial, status, revoked_at, reason, role, subject;
};

std::vector<IndexEntry> ReadIndex(const std::string& dir) {
  std::vector<IndexEntry> entries;
  std::istringstream in(ReadFileOrThrow(Path(dir, "index.tsv")));
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    std::vector<std::string> cols;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      cols.push_back(line.substr(start, tab - start));
    }
    cols.push_back(line.substr(start));
    if (cols.size() != 6) throw std::runtime_error("index.tsv: malformed line: " + line);
    entries.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]});
  }
  return entries;
}

void WriteIndex(const std::string& dir, const std::vector<IndexEntry>& entries) {
  std::string text;
  for (const auto& e : entries) {
    text += e.serial + '\t' + e.status + '\t' + e.revoked_at + '\t' + e.reason + '\t' + e.role +
            '\t' + e.subject + '\n';
  }
  WriteFileAtomically(Path(dir, "index.tsv"), text);
}

signing::IssuedIdentity LoadCa(const std::string& dir) {
  return {ReadFileOrThrow(Path(dir, "root.key")), ReadFileOrThrow(Path(dir, "root.pem"))};
}

// Takes the next number from a counter file and stores its successor.
long NextNumber(const std::string& dir, const std::string& name) {
  const long value = std::stol(FirstLine(ReadFileOrThrow(Path(dir, name))));
  WriteFileAtomically(Path(dir, name), std::to_string(value + 1) + "\n");
  return value;
}

int Init(const Args& args) {
  auto dir = args.Get("dir");
  auto name = args.Get("name");
  if (!dir || !name) {
    std::fprintf(stderr, "sealflow ca init: 需要 --dir 与 --name / need --dir and --name\n");
    return kExitUsage;
  }
  if (std::filesystem::exists(Path(*dir, "root.pem"))) {
    std::fprintf(stderr, "sealflow ca init: %s 已有 CA / already holds a CA\n", dir->c_str());
    return kExitFailure;
  }
  std::filesystem::create_directories(Path(*dir, "certs"));
  signing::CertificateSubject subject;
  subject.common_name = *name + " 电子认证根CA";
  subject.organization = *name;
  const auto identity = signing::CreateRootCa(subject, ParseNow(args.Get("now")),
                                              ParseInt(args.Get("days"), 7300, "--days"));
  WriteFileAtomically(Path(*dir, "root.key"), identity.key_pem);
  ::chmod(Path(*dir, "root.key").c_str(), 0600);
  WriteFileAtomically(Path(*dir, "root.pem"), identity.cert_pem);
  WriteFileAtomically(Path(*dir, "serial"), "2\n");  // the root is 1
  WriteFileAtomically(Path(*dir, "crlnumber"), "1\n");
  WriteFileAtomically(Path(*dir, "index.tsv"), "");
  std::printf("CA 已创建 / created: %s (%s)\n", Path(*dir, "root.pem").c_str(),
              subject.common_name.c_str());
  return kExitOk;
}

int Issue(const Args& args) {
  auto dir = args.Get("dir"), role = args.Get("role"), org = args.Get("org"),
       code = args.Get("credit-code"), p12 = args.Get("p12"),
       password_file = args.Get("password-file");
  if (!dir || !role || !org || !code || !p12 || !password_file) {
    std::fprintf(stderr,
                 "sealflow ca issue: 需要 --dir --role --org --credit-code --p12 --password-file "
                 "/ need --dir, --role, --org, --credit-code, --p12 and --password-file\n");
    return kExitUsage;
  }
  if (!forms::IsValidCreditCode(*code)) {
    std::fprintf(stderr,
                 "sealflow ca issue: 统一社会信用代码无效（GB 32100 校验位） / not a valid unified "
                 "social credit code (GB 32100 check character): %s\n",
                 code->c_str());
    return kExitUsage;
  }
  static const char* const kRoles[] = {"provider", "enterprise", "agency", "bureau", "tsa", "ocsp"};
  if (std::find(std::begin(kRoles), std::end(kRoles), *role) == std::end(kRoles)) {
    std::fprintf(stderr, "sealflow ca issue: 未知角色 / unknown role %s\n", role->c_str());
    return kExitUsage;
  }
  signing::IssueOptions options;
  const std::string key_type = args.Get("key-type").value_or("rsa2048");
  if (key_type == "rsa2048") {
    options.key = signing::KeyAlgorithm::kRsa2048;
  } else if (key_type == "rsa3072") {
    options.key = signing::KeyAlgorithm::kRsa3072;
  } else if (key_type == "p256") {
    options.key = signing::KeyAlgorithm::kEcdsaP256;
  } else if (key_type == "sm2") {
    options.key = signing::KeyAlgorithm::kSm2;
  } else {
    std::fprintf(stderr, "sealflow ca issue: 未知密钥类型 / unknown --key-type %s\n",
                 key_type.c_str());
    return kExitUsage;
  }
  options.time_stamping = *role == "tsa";
  options.ocsp_signing = *role == "ocsp";
  options.ocsp_url = args.Get("ocsp-url").value_or("");
  const std::string password = FirstLine(ReadFileOrThrow(*password_file));
  const signing::IssuedIdentity ca = LoadCa(*dir);
  signing::CertificateSubject subject;
  subject.organization = *org;
  options.organizational_unit = *role;
  subject.common_name = args.Get("cn").value_or(*org);
  subject.serial_number = *code;
  const long serial = NextNumber(*dir, "serial");
  const auto identity =
      signing::IssueCertificate(ca, subject, ParseNow(args.Get("now")),
                                ParseInt(args.Get("days"), 1095, "--days"), serial, options);
  WriteFileAtomically(*p12,
                      signing::ExportPkcs12(identity, ca.cert_pem, password, subject.common_name));
  ::chmod(p12->c_str(), 0600);
  WriteFileAtomically(Path(*dir, "certs/" + std::to_string(serial) + ".pem"), identity.cert_pem);
  auto entries = ReadIndex(*dir);
  const auto credentials = signing::Credentials::FromPkcs12(*p12, password);  // proves the file
  entries.push_back({std::to_string(serial), "V", "", "", *role, credentials.SubjectName()});
  WriteIndex(*dir, entries);
  std::printf("已签发 / issued: serial %ld, role %s, %s → %s\n", serial, role->c_str(),
              credentials.SubjectName().c_str(), p12->c_str());
  return kExitOk;
}

int Revoke(const Args& args) {
  auto dir = args.Get("dir"), serial = args.Get("serial");
  if (!dir || !serial) {
    std::fprintf(stderr, "sealflow ca revoke: 需要 --dir 与 --serial / need --dir and --serial\n");
    return kExitUsage;
  }
  const std::string reason = args.Get("reason").value_or("unspecified");
  // Validates the reason before touching the index (CreateCrl throws for an unknown one).
  signing::CreateCrl(LoadCa(*dir), {{"1", Clock::now(), reason}}, Clock::now(),
                     Clock::now() + std::chrono::hours(1), 1);
  auto entries = ReadIndex(*dir);
  for (auto& entry : entries) {
    if (entry.serial != *serial) continue;
    if (entry.status == "R") {
      std::fprintf(stderr, "sealflow ca revoke: %s 已吊销 / already revoked\n", serial->c_str());
      return kExitFailure;
    }
    entry.status = "R";
    entry.revoked_at = std::to_string(Clock::to_time_t(ParseNow(args.Get("now"))));
    entry.reason = reason;
    WriteIndex(*dir, entries);
    std::printf("已吊销 / revoked: serial %s (%s)\n", serial->c_str(), reason.c_str());
    return kExitOk;
  }
  std::fprintf(stderr, "sealflow ca revoke: 无此证书 / no certificate with serial %s\n",
               serial->c_str());
  return kExitFailure;
}

int Crl(const Args& args) {
  auto dir = args.Get("dir"), output = args.Get("output");
  if (!dir || !output) {
    std::fprintf(stderr, "sealflow ca crl: 需要 --dir 与 -o / need --dir and -o\n");
    return kExitUsage;
  }
  std::vector<signing::RevokedCertificate> revoked;
  for (const auto& entry : ReadIndex(*dir)) {
    if (entry.status != "R") continue;
    revoked.push_back({entry.serial, Clock::from_time_t(std::stoll(entry.revoked_at)),
                       entry.reason == "unspecified" ? "" : entry.reason});
  }
  const auto now = ParseNow(args.Get("now"));
  const auto next = now + std::chrono::hours(24) *
                              ParseInt(args.Get("next-update-days"), 7, "--next-update-days");
  const long number = NextNumber(*dir, "crlnumber");
  WriteFileAtomically(*output, signing::CreateCrl(LoadCa(*dir), revoked, now, next, number));
  std::printf("CRL #%ld: %zu 张吊销 / revoked → %s\n", number, revoked.size(), output->c_str());
  return kExitOk;
}

// What the folder's index says, for the responder.
signing::OcspResponderData ResponderData(const std::string& dir) {
  signing::OcspResponderData data;
  for (const auto& entry : ReadIndex(dir)) {
    data.issued_serials.push_back(entry.serial);
    if (entry.status != "R") continue;
    data.revoked.push_back({entry.serial, Clock::from_time_t(std::stoll(entry.revoked_at)),
                            entry.reason == "unspecified" ? "" : entry.reason});
  }
  return data;
}

void Problem(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
             const std::string& title) {
  response.setStatus(status);
  response.setContentType("application/problem+json");
  const std::string body = "{\"type\":\"about:blank\",\"title\":\"" + title +
                           "\",\"status\":" + std::to_string(static_cast<int>(status)) + "}";
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send() << body;
}

constexpr std::size_t kMaxOcspRequest = 64 * 1024;

// The responder's configuration, shared by the request handlers.
struct OcspConfig {
  std::string dir;
  std::chrono::hours validity{24};
  std::optional<signing::IssuedIdentity> delegated;  // else the CA key signs
};

class OcspHandler final : public Poco::Net::HTTPRequestHandler {
 public:
  explicit OcspHandler(std::shared_ptr<const OcspConfig> config) : config_(std::move(config)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    using Status = Poco::Net::HTTPResponse::HTTPStatus;
    if (request.getMethod() != Poco::Net::HTTPRequest::HTTP_POST) {
      response.set("Allow", "POST");
      Problem(response, Status::HTTP_METHOD_NOT_ALLOWED,
              "只接受 POST / only POST application/ocsp-request");
      return;
    }
    if (request.getContentType() != "application/ocsp-request") {
      Problem(response, Status::HTTP_UNSUPPORTED_MEDIA_TYPE,
              "需要 application/ocsp-request / expected application/ocsp-request");
      return;
    }
    std::string body;
    char buffer[4096];
    std::istream& in = request.stream();
    while (body.size() <= kMaxOcspRequest && in) {
      in.read(buffer, sizeof buffer);
      body.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (body.size() > kMaxOcspRequest) {
      Problem(response, Status::HTTP_REQUEST_ENTITY_TOO_LARGE, "请求过大 / request too large");
      return;
    }
    std::string answer;
    try {
      answer = signing::AnswerOcspRequest(body, LoadCa(config_->dir), ResponderData(config_->dir),
                                          Clock::now(), config_->validity,
                                          config_->delegated ? &*config_->delegated : nullptr);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sealflow ca ocsp: %s\n", e.what());
      Problem(response, Status::HTTP_INTERNAL_SERVER_ERROR,
              "应答方内部错误 / responder internal error");
      return;
    }
    response.setStatus(Status::HTTP_OK);
    response.setContentType("application/ocsp-response");
    response.setContentLength(static_cast<std::streamsize>(answer.size()));
    response.send() << answer;
  }

 private:
  std::shared_ptr<const OcspConfig> config_;
};

class OcspHandlerFactory final : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit OcspHandlerFactory(std::shared_ptr<const OcspConfig> config)
      : config_(std::move(config)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new OcspHandler(config_);
  }

 private:
  std::shared_ptr<const OcspConfig> config_;
};

int Ocsp(const Args& args) {
  auto dir = args.Get("dir");
  if (!dir) {
    std::fprintf(stderr, "sealflow ca ocsp: 需要 --dir / need --dir\n");
    return kExitUsage;
  }
  const std::string port_text = args.Get("port").value_or("8088");
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    throw std::invalid_argument("--port: 0..65535");
  }
  const int port = std::stoi(port_text);
  const int hours = ParseInt(args.Get("next-update-hours"), 24, "--next-update-hours");
  auto config = std::make_shared<OcspConfig>();
  config->dir = *dir;
  config->validity = std::chrono::hours(hours);
  auto responder_key = args.Get("responder-key"), responder_cert = args.Get("responder-cert");
  if (responder_key.has_value() != responder_cert.has_value()) {
    std::fprintf(stderr,
                 "sealflow ca ocsp: --responder-key 与 --responder-cert 须同用 / "
                 "--responder-key and --responder-cert go together\n");
    return kExitUsage;
  }
  if (responder_key) {
    config->delegated =
        signing::IssuedIdentity{ReadFileOrThrow(*responder_key), ReadFileOrThrow(*responder_cert)};
  }
  // Fail early when the folder is not a CA or the responder does not fit.
  signing::AnswerOcspRequest("", LoadCa(*dir), ResponderData(*dir), Clock::now(), config->validity,
                             config->delegated ? &*config->delegated : nullptr);
  // Before the server starts its threads (see StopSignals).
  const StopSignals stop_signals;
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(args.Get("host").value_or("127.0.0.1"),
                                                          static_cast<Poco::UInt16>(port)));
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(4);
  params->setTimeout(Poco::Timespan(10, 0));
  Poco::Net::HTTPServer server(new OcspHandlerFactory(config), socket, params);
  server.start();
  std::printf("OCSP 应答方已启动 / OCSP responder listening on http://%s/\n",
              socket.address().toString().c_str());
  std::fflush(stdout);
  stop_signals.Wait();
  server.stop();
  std::printf("OCSP 应答方已停止 / stopped\n");
  return kExitOk;
}

}  // namespace

int RunCa(int argc, char** argv) {
  Args args(argc, argv, {"dir",           "name",
                         "role",          "org",
                         "credit-code",   "cn",
                         "key-type",      "p12",
                         "password-file", "days",
                         "serial",        "reason",
                         "output",        "next-update-days",
                         "now",           "port",
                         "host",          "next-update-hours",
                         "ocsp-url",      "responder-key",
                         "responder-cert"},
            {}, {{"o", "output"}});
  if (int rc = HandleHelpAndErrors(args, "ca", kCaHelp); rc >= 0) return rc;
  const std::string action = args.positional().empty() ? "" : args.positional()[0];
  if (args.positional().size() != 1) {
    std::fprintf(stderr,
                 "sealflow ca: 需要 init|issue|revoke|crl|ocsp 之一 / need one of init, issue, "
                 "revoke, crl, ocsp\n");
    return kExitUsage;
  }
  try {
    if (action == "init") return Init(args);
    if (action == "issue") return Issue(args);
    if (action == "revoke") return Revoke(args);
    if (action == "crl") return Crl(args);
    if (action == "ocsp") return Ocsp(args);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "sealflow ca %s: %s\n", action.c_str(), e.what());
    return kExitUsage;
  }
  std::fprintf(stderr, "sealflow ca: 未知操作 / unknown action %s\n", action.c_str());
  return kExitUsage;
}

}  // namespace sealflow::cli
