// Copyright sealflow authors.
// Role names and which role may submit which form type (the coarse check; pilot.cc refines it
// per event and subject).
#include <array>
#include <string_view>

#include "workflow/pilot.h"

namespace sealflow::workflow {
namespace {

struct RoleRow {
  Role role;
  const char* name;
};
constexpr std::array<RoleRow, 8> kRoles = {{
    {Role::kBureau, "bureau"},
    {Role::kCounty, "county"},
    {Role::kExpert, "expert"},
    {Role::kProvider, "provider"},
    {Role::kEnterprise, "enterprise"},
    {Role::kAcceptanceAgency, "acceptance-agency"},
    {Role::kArchivist, "archivist"},
    {Role::kPublic, "public"},
}};

struct FormRoles {
  std::string_view form_type;
  std::initializer_list<Role> roles;
};

}  // namespace

const char* RoleName(Role role) {
  for (const RoleRow& row : kRoles) {
    if (row.role == role) return row.name;
  }
  return "public";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const RoleRow& row : kRoles) {
    if (name == row.name) return row.role;
  }
  return std::nullopt;
}

bool RoleMaySubmit(Role role, std::string_view form_type) {
  // Who signs and files each form (DOMAIN.md "Documents"). A real-name report (Art. 18) may come
  // from anyone, without a token: its signature by the reporter's certificate is the real name. A
  // decision form covers the acts of the authorities (county, experts, bureau) and the provider's
  // own statements (rectification, answers to reports, materials); pilot.cc narrows it per event.
  static const FormRoles kTable[] = {
      {"application", {Role::kProvider}},
      {"diagnostic-report", {Role::kProvider, Role::kEnterprise}},
      {"transformation-plan", {Role::kProvider, Role::kEnterprise}},
      {"change-filing", {Role::kProvider, Role::kEnterprise}},
      {"contract", {Role::kProvider, Role::kEnterprise}},
      {"progress-report", {Role::kProvider, Role::kEnterprise}},
      {"acceptance-application", {Role::kProvider, Role::kEnterprise}},
      {"acceptance-conclusion", {Role::kAcceptanceAgency, Role::kBureau}},
      {"satisfaction", {Role::kEnterprise}},
      {"notice", {Role::kBureau}},
      {"appeal", {Role::kProvider}},
      {"report", {Role::kPublic, Role::kEnterprise, Role::kProvider, Role::kBureau}},
      {"decision",
       {Role::kBureau, Role::kCounty, Role::kExpert, Role::kProvider, Role::kEnterprise}},
  };
  for (const FormRoles& row : kTable) {
    if (row.form_type != form_type) continue;
    for (Role allowed : row.roles) {
      if (allowed == role) return true;
    }
    return false;
  }
  return false;
}

}  // namespace sealflow::workflow
