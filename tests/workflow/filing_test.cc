// Copyright sealflow authors.
// Which archive phase (Art. 5(7): before / during / after, or the provider's file) a document is
// filed under, in particular a decision, which is filed by the step it decides.
#include <gtest/gtest.h>

#include <string>

#include "../../workflow/src/filing.h"
#include "forms/inspect.h"

namespace sealflow::workflow {
namespace {

using archive::Phase;

forms::FormInfo Decision(const std::string& kind_element, const std::string& party_kind) {
  forms::FormInfo info;
  info.form_type = "decision";
  info.party_kind = party_kind;
  info.source_xml = "<decision><subject kind=\"enterprise\"/><" + kind_element +
                    "><note>&lt;payment&gt; is text</note></" + kind_element +
                    "><opinion>ok</opinion></decision>";
  return info;
}

TEST(FilingTest, FormTypesHaveTheirPhase) {
  forms::FormInfo info;
  info.form_type = "contract";
  EXPECT_EQ(PhaseFor(info), Phase::kDuring);
  info.form_type = "diagnostic-report";
  EXPECT_EQ(PhaseFor(info), Phase::kBefore);
  info.form_type = "satisfaction";
  EXPECT_EQ(PhaseFor(info), Phase::kAfter);
  info.form_type = "notice";
  EXPECT_EQ(PhaseFor(info), Phase::kProvider);
}

TEST(FilingTest, DecisionsAreFiledByTheStepTheyDecide) {
  EXPECT_EQ(PhaseFor(Decision("enrolment", "enterprise")), Phase::kBefore);
  EXPECT_EQ(PhaseFor(Decision("planDecision", "enterprise")), Phase::kBefore);
  EXPECT_EQ(PhaseFor(Decision("planExpertReview", "enterprise")), Phase::kBefore);
  EXPECT_EQ(PhaseFor(Decision("payment", "enterprise")), Phase::kDuring);
  EXPECT_EQ(PhaseFor(Decision("changeDecision", "enterprise")), Phase::kDuring);
  EXPECT_EQ(PhaseFor(Decision("projectRectification", "enterprise")), Phase::kAfter);
  EXPECT_EQ(PhaseFor(Decision("closure", "enterprise")), Phase::kAfter);
  // Provider matters go to the provider's file; escaped text never counts as a tag.
  EXPECT_EQ(PhaseFor(Decision("appealDecision", "provider")), Phase::kProvider);
  EXPECT_EQ(PhaseFor(Decision("paymentTerms", "provider")), Phase::kProvider);
}

}  // namespace
}  // namespace sealflow::workflow
