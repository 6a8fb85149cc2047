// Copyright sealflow authors.
// sealflow timestamp: a PAdES B-LTA document timestamp.
#include <cstdio>
#include <string>

#include "args.h"
#include "signing/timestamp.h"
#include "tsa_http.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

constexpr const char* kTimestampHelp =
    "用法 / usage: sealflow timestamp IN.pdf -o OUT.pdf (--tsa URL | --tsa-key K --tsa-cert C\n"
    "                                                   [--tsa-chain F]) [--field NAME]\n"
    "\n"
    "Adds a document timestamp (PAdES B-LTA: /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161, an\n"
    "RFC 3161 token over the byte ranges) as an incremental update: the input bytes stay\n"
    "unchanged and earlier signatures stay valid.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   the timestamped PDF (required; written atomically)\n"
    "  --tsa URL           an RFC 3161 TSA over HTTP, e.g. the service's /api/v1/tsa\n"
    "  --tsa-key FILE      or the built-in authority, offline: its PEM key,\n"
    "  --tsa-cert FILE     its certificate (extendedKeyUsage critical timeStamping)\n"
    "  --tsa-chain FILE    and the certificates above it, embedded in the token\n"
    "  --field NAME        the timestamp's field name (default: DocTimeStamp1)\n"
    "\n"
    "exit: 0 timestamped, 3 failure (TSA unreachable or refusing, field exists, ...)\n"
    "example:\n"
    "  sealflow timestamp signed.pdf -o archived.pdf --tsa http://127.0.0.1:8080/api/v1/tsa\n"
    "  sealflow timestamp signed.pdf -o archived.pdf \\\n"
    "      --tsa-key tests/data/pki/tsa.key --tsa-cert tests/data/pki/tsa.pem \\\n"
    "      --tsa-chain tests/data/pki/root-ca.pem\n";

}  // namespace

int RunTimestamp(int argc, char** argv) {
  Args args(argc, argv, {"output", "tsa", "tsa-key", "tsa-cert", "tsa-chain", "field"}, {},
            {{"o", "output"}});
  if (int rc = HandleHelpAndErrors(args, "timestamp", kTimestampHelp); rc >= 0) return rc;
  const auto output = args.Get("output");
  const bool url = args.Get("tsa").has_value();
  const bool local = args.Get("tsa-key") && args.Get("tsa-cert");
  if (args.positional().size() != 1 || !output || url == local) {
    std::fprintf(stderr,
                 "sealflow timestamp: 需要 IN.pdf、-o OUT.pdf，以及 --tsa 或 --tsa-key/--tsa-cert "
                 "其一 / need IN.pdf, -o OUT.pdf and either --tsa URL or --tsa-key with "
                 "--tsa-cert\n");
    return kExitUsage;
  }
  const TimestampSetup tsa =
      MakeTimestampSetup(args.Get("tsa").value_or(""), args.Get("tsa-key").value_or(""),
                         args.Get("tsa-cert").value_or(""), args.Get("tsa-chain").value_or(""));
  signing::DocumentTimestampRequest request;
  request.field_name = args.Get("field").value_or(request.field_name);
  const std::string stamped =
      signing::AddDocumentTimestamp(ReadFileOrThrow(args.positional()[0]), *tsa.client, request);
  WriteFileAtomically(*output, stamped);
  std::printf("%s → %s: 已加时间戳 / timestamped, field %s, %zu bytes\n",
              args.positional()[0].c_str(), output->c_str(), request.field_name.c_str(),
              stamped.size());
  return kExitOk;
}

}  // namespace sealflow::cli
