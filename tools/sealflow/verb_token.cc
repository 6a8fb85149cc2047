// Copyright sealflow authors.
// sealflow token issue | list | revoke: bearer tokens for the HTTP service. Only a token's
// SHA-256 is stored (DATA/workflow/tokens.log); issue prints the token once. Works while
// `sealflow serve` runs on the same folder: the service notices new and revoked tokens.
#include <cstdio>
#include <exception>
#include <string>

#include "args.h"
#include "verbs.h"
#include "workflow/pilot.h"
#include "workflow/tokens.h"

namespace sealflow::cli {
namespace {

constexpr const char* kTokenHelp =
    "用法 / usage: sealflow token issue  --data DIR --role ROLE --org CODE [--name NAME]\n"
    "              sealflow token list   --data DIR\n"
    "              sealflow token revoke --data DIR --id ID\n"
    "\n"
    "Bearer tokens for `sealflow serve` (header: Authorization: Bearer TOKEN).\n"
    "issue prints only the new token on stdout (it is not stored, only its SHA-256); list prints\n"
    "id, role, organisation, name, issue time and status; revoke disables a token at once, also\n"
    "for a service already running on DIR.\n"
    "\n"
    "options:\n"
    "  --data DIR     the service's data directory\n"
    "  --role ROLE    bureau | county | expert | provider | enterprise | acceptance-agency |\n"
    "                 archivist\n"
    "  --org CODE     the organisation's unified social credit code\n"
    "  --name NAME    a label, e.g. the organisation's name\n"
    "  --id ID        revoke: the token id shown by list (12 hex characters)\n"
    "\n"
    "exit: 0 done, 1 no such token (revoke), 3 failure, 64 usage\n"
    "example:\n"
    "  TOKEN=$(sealflow token issue --data /tmp/sf --role provider --org 91410700MA44C1RX23)\n"
    "  curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:8080/api/v1/providers\n";

int Usage(const char* message) {
  std::fprintf(stderr, "sealflow token: %s\n(see sealflow token --help)\n", message);
  return kExitUsage;
}

}  // namespace

int RunToken(int argc, char** argv) {
  Args args(argc, argv, {"data", "role", "org", "name", "id"}, {});
  if (int rc = HandleHelpAndErrors(args, "token", kTokenHelp); rc >= 0) return rc;
  if (args.positional().size() != 1) {
    return Usage("需要一个子命令 / expected one of issue, list, revoke");
  }
  const std::string& command = args.positional()[0];
  std::optional<std::string> data = args.Get("data");
  if (!data) return Usage("缺少 --data / --data is required");
  try {
    auto store = workflow::TokenStore::Open(*data);
    if (command == "issue") {
      std::optional<std::string> role_name = args.Get("role");
      std::optional<std::string> org = args.Get("org");
      if (!role_name || !org)
        return Usage("issue 需要 --role 和 --org / issue needs --role and --org");
      std::optional<workflow::Role> role = workflow::ParseRole(*role_name);
      if (!role || *role == workflow::Role::kPublic) {
        return Usage(
            "未知角色 / unknown role (bureau, county, expert, provider, enterprise, "
            "acceptance-agency, archivist)");
      }
      workflow::IssuedToken issued = store->Issue(*role, *org, args.Get("name").value_or(""));
      std::printf("%s\n", issued.token.c_str());
      std::fprintf(stderr, "令牌编号 / token id %s (%s, %s)\n", issued.info.id.c_str(),
                   workflow::RoleName(issued.info.role), issued.info.org_code.c_str());
      return kExitOk;
    }
    if (command == "list") {
      std::printf("id\trole\torg\tname\tissuedAt\tstatus\n");
      for (const workflow::TokenInfo& info : store->List()) {
        std::printf("%s\t%s\t%s\t%s\t%s\t%s\n", info.id.c_str(), workflow::RoleName(info.role),
                    info.org_code.c_str(), info.name.c_str(), info.issued_at.c_str(),
                    info.revoked ? "revoked" : "active");
      }
      return kExitOk;
    }
    if (command == "revoke") {
      std::optional<std::string> id = args.Get("id");
      if (!id) return Usage("revoke 需要 --id / revoke needs --id");
      if (!store->Revoke(*id)) {
        std::fprintf(stderr, "sealflow token: 没有有效的令牌 %s / no active token %s\n",
                     id->c_str(), id->c_str());
        return kExitInvalid;
      }
      std::printf("已吊销 / revoked %s\n", id->c_str());
      return kExitOk;
    }
    return Usage("未知子命令 / unknown subcommand (issue, list, revoke)");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sealflow token: %s\n", e.what());
    return kExitFailure;
  }
}

}  // namespace sealflow::cli
