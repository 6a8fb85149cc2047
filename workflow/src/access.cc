// Copyright sealflow authors.
#include "access.h"

namespace sealflow::workflow {

bool SeesEverything(Role role) {
  switch (role) {
    case Role::kBureau:
    case Role::kCounty:
    case Role::kExpert:
    case Role::kAcceptanceAgency:
    case Role::kArchivist:
      return true;
    case Role::kProvider:
    case Role::kEnterprise:
    case Role::kPublic:
      return false;
  }
  return false;
}

std::string SubjectSerialNumber(const std::string& subject) {
  static const std::string kKey = "serialNumber=";
  for (std::size_t pos = subject.find(kKey); pos != std::string::npos;
       pos = subject.find(kKey, pos + 1)) {
    if (pos != 0 && subject[pos - 1] != ',' && subject[pos - 1] != '+') continue;
    std::size_t start = pos + kKey.size();
    std::size_t end = start;
    while (end < subject.size() && subject[end] != ',' && subject[end] != '+') {
      if (subject[end] == '\\') ++end;  // an escaped character
      ++end;
    }
    return subject.substr(start, std::min(end, subject.size()) - start);
  }
  return std::string();
}

bool MaySeeEnterprise(const Actor& actor, const std::string& enterprise_code,
                      const Engine& engine) {
  if (SeesEverything(actor.role)) return true;
  if (actor.role == Role::kEnterprise) return actor.org_code == enterprise_code;
  if (actor.role == Role::kProvider) {
    const Project* project = engine.FindProject(enterprise_code);
    return project != nullptr && !actor.org_code.empty() &&
           project->provider_code == actor.org_code;
  }
  return false;
}

bool MayReadRecord(const Actor& actor, const archive::DocumentRecord& record,
                   const Engine& engine) {
  if (SeesEverything(actor.role)) return true;
  if (record.form_type == "notice") return true;  // notices are public
  if (actor.role == Role::kPublic || actor.org_code.empty()) return false;
  if (record.party_code == actor.org_code) return true;
  for (const std::string& signer : record.signers) {
    if (SubjectSerialNumber(signer) == actor.org_code) return true;
  }
  return actor.role == Role::kProvider && record.party_kind == "enterprise" &&
         MaySeeEnterprise(actor, record.party_code, engine);
}

bool MaySeeDeadline(const Actor& actor, const Deadline& deadline, const Engine& engine) {
  if (SeesEverything(actor.role)) return true;
  if (actor.role == Role::kPublic || actor.org_code.empty()) return false;
  if (deadline.subject == actor.org_code) return true;
  return actor.role == Role::kProvider && MaySeeEnterprise(actor, deadline.subject, engine);
}

}  // namespace sealflow::workflow
