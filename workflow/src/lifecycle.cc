// Copyright sealflow authors.
// Names of the lifecycle states and raised items: stable, lower-case, hyphenated, for JSON and
// logs (the HTTP layer maps them to labels).
#include "workflow/lifecycle.h"

namespace sealflow::workflow {

const char* ProviderStateName(ProviderState state) {
  switch (state) {
    case ProviderState::kApplied:
      return "applied";
    case ProviderState::kRecommended:
      return "recommended";
    case ProviderState::kExpertReviewed:
      return "expert-reviewed";
    case ProviderState::kDecided:
      return "decided";
    case ProviderState::kNoticed:
      return "noticed";
    case ProviderState::kListed:
      return "listed";
    case ProviderState::kWarned:
      return "warned";
    case ProviderState::kRejected:
      return "rejected";
    case ProviderState::kDisqualified:
      return "disqualified";
    case ProviderState::kRemovedFromPool:
      return "removed-from-pool";
  }
  return "?";
}

const char* ProjectStateName(ProjectState state) {
  switch (state) {
    case ProjectState::kEnrolled:
      return "enrolled";
    case ProjectState::kDiagnosed:
      return "diagnosed";
    case ProjectState::kPlanFiled:
      return "plan-filed";
    case ProjectState::kPlanExpertReviewed:
      return "plan-expert-reviewed";
    case ProjectState::kReturned:
      return "returned";
    case ProjectState::kApproved:
      return "approved";
    case ProjectState::kContracted:
      return "contracted";
    case ProjectState::kImplementing:
      return "implementing";
    case ProjectState::kChangeUnderReview:
      return "change-under-review";
    case ProjectState::kAcceptanceApplied:
      return "acceptance-applied";
    case ProjectState::kRectifying:
      return "rectifying";
    case ProjectState::kRectified:
      return "rectified";
    case ProjectState::kAccepted:
      return "accepted";
    case ProjectState::kRated:
      return "rated";
    case ProjectState::kClosed:
      return "closed";
  }
  return "?";
}

const char* RaisedKindName(RaisedKind kind) {
  switch (kind) {
    case RaisedKind::kWarningProposal:
      return "warning-proposal";
    case RaisedKind::kDisqualificationOpened:
      return "disqualification-opened";
    case RaisedKind::kIssueNotice:
      return "issue-notice";
    case RaisedKind::kProjectFlagged:
      return "project-flagged";
    case RaisedKind::kFeesWithheld:
      return "fees-withheld";
    case RaisedKind::kRemovedFromPool:
      return "removed-from-pool";
    case RaisedKind::kRatingDue:
      return "rating-due";
  }
  return "?";
}

}  // namespace sealflow::workflow
