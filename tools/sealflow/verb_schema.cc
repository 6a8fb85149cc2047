// Copyright sealflow authors.
// sealflow schema list: the form types and schema versions this release knows.
#include <cstdio>
#include <string>

#include "args.h"
#include "forms/form_types.h"
#include "verbs.h"

namespace sealflow::cli {
namespace {

constexpr const char* kSchemaHelp =
    "用法 / usage: sealflow schema list [--json]\n"
    "\n"
    "Lists the form types (one per document of the pilot, in workflow order) with their schema\n"
    "versions, Chinese titles and whose file they are archived in. The schemas are\n"
    "xml-schemas/<type>.xsd; an example of each is xml-schemas/examples/<type>.xml.\n"
    "\n"
    "options:\n"
    "  --json   one JSON array instead of a table\n"
    "\n"
    "example:\n"
    "  sealflow schema list\n";

}  // namespace

int RunSchema(int argc, char** argv) {
  Args args(argc, argv, {}, {"json"});
  if (int rc = HandleHelpAndErrors(args, "schema", kSchemaHelp); rc >= 0) return rc;
  if (args.positional().size() != 1 || args.positional()[0] != "list") {
    std::fprintf(stderr, "sealflow schema: 需要子命令 list / expected: sealflow schema list\n");
    return kExitUsage;
  }
  std::vector<forms::FormTypeInfo> types = forms::ListFormTypes();
  if (args.Has("json")) {
    std::string out = "[";
    for (const auto& type : types) {
      std::string versions;
      for (const auto& v : type.schema_versions)
        versions += (versions.empty() ? "" : ",") + JsonString(v);
      out += std::string(out.size() > 1 ? "," : "") +
             "{\"formType\":" + JsonString(type.form_type) +
             ",\"title\":" + JsonString(type.title) + ",\"english\":" + JsonString(type.english) +
             ",\"partyKind\":" + JsonString(type.party_kind) + ",\"schemaVersions\":[" + versions +
             "]}";
    }
    std::printf("%s]\n", out.c_str());
    return kExitOk;
  }
  for (const auto& type : types) {
    std::string versions;
    for (const auto& v : type.schema_versions) versions += (versions.empty() ? "" : ",") + v;
    std::printf("%-24s %-6s %-10s %s / %s\n", type.form_type.c_str(), versions.c_str(),
                type.party_kind.c_str(), type.title.c_str(), type.english.c_str());
  }
  return kExitOk;
}

}  // namespace sealflow::cli
