// Copyright sealflow authors.
// Who may see what (see the access table in workflow/service.h). Pure functions over the actor,
// the record and the engine's state; the handler calls them under Pilot::Read where they need
// the engine.
#pragma once

#include <string>
#include <vector>

#include "archive/store.h"
#include "workflow/lifecycle.h"
#include "workflow/pilot.h"

namespace sealflow::workflow {

// The bureau, the county, experts, the acceptance agency and the archivist see every record and
// every state.
bool SeesEverything(Role role);

// The serialNumber (credit code) in an RFC 2253 subject ("" if none).
std::string SubjectSerialNumber(const std::string& subject);

// Whether the actor may see the documents and state of this enterprise: its own (enterprise),
// one whose project it serves (provider), any (SeesEverything).
bool MaySeeEnterprise(const Actor& actor, const std::string& enterprise_code, const Engine& engine);

// Records: the public sees notices; providers and enterprises records filed under them, records
// they signed, and (providers) the records of the enterprises they serve.
bool MayReadRecord(const Actor& actor, const archive::DocumentRecord& record, const Engine& engine);

// Deadlines: a provider's own and its enterprises'; an enterprise's own.
bool MaySeeDeadline(const Actor& actor, const Deadline& deadline, const Engine& engine);

}  // namespace sealflow::workflow
