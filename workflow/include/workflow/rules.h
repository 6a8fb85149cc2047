// Copyright sealflow authors.
// The articles of the Xinxiang management measures (新乡市中小企业数字化转型城市试点数字化服务商
// 管理办法（试行）, /work/shared/spec/measures.zh.txt) that the workflow engine enforces, as pure
// functions and constants: article citations, calendar dates in China time, money in fen, the
// change-filing classification of Art. 12(3), and the star rating of Art. 14.
//
// Article numbers follow the order of the articles in the source (see DOMAIN.md): Art. 11 is the
// paragraph "不得擅自转包，不得在合同签订之前提前向企业收费", Art. 12 the service flow, Art. 14
// the star rating, Art. 15 warnings, Art. 16 disqualification, Art. 17 appeals, Art. 18 reports.
//
// Everything here is a value: nothing throws (except std::bad_alloc), nothing reads a clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealflow::workflow {

// ---- Citations ---------------------------------------------------------------------------

// An article (or item of an article) as cited in decisions: Chinese and English.
struct Article {
  std::string_view zh;  // e.g. "第十二条（三）"
  std::string_view en;  // e.g. "Art. 12(3)"
};

namespace article {
inline constexpr Article kArt2{"第二条", "Art. 2"};  // who is a provider: the list
inline constexpr Article kArt3{"第三条", "Art. 3"};  // 分类管理: listed per sub-industry
inline constexpr Article kArt7{"第七条", "Art. 7"};  // 企业出一点、服务商让一点、政府补一点
inline constexpr Article kArt9{"第九条", "Art. 9"};    // selection procedure
inline constexpr Article kArt10{"第十条", "Art. 10"};  // basic requirements
inline constexpr Article kArt10_2{"第十条（二）", "Art. 10(2)"};
inline constexpr Article kArt10_3{"第十条（三）", "Art. 10(3)"};
inline constexpr Article kArt11{"第十一条", "Art. 11"};  // no 转包, no charge before contract
inline constexpr Article kArt12_1{"第十二条（一）", "Art. 12(1)"};  // diagnosis
inline constexpr Article kArt12_2{"第十二条（二）", "Art. 12(2)"};  // filing and review
inline constexpr Article kArt12_3{"第十二条（三）", "Art. 12(3)"};  // implementation, changes
inline constexpr Article kArt12_4{"第十二条（四）", "Art. 12(4)"};  // acceptance
inline constexpr Article kArt14{"第十四条", "Art. 14"};             // star rating
inline constexpr Article kArt15{"第十五条", "Art. 15"};
inline constexpr Article kArt15_1{"第十五条（一）", "Art. 15(1)"};  // unreported major change
inline constexpr Article kArt15_3{"第十五条（三）", "Art. 15(3)"};  // materials late/incomplete
inline constexpr Article kArt15_4{"第十五条（四）", "Art. 15(4)"};  // no filing; 不满意
inline constexpr Article kArt16{"第十六条", "Art. 16"};
inline constexpr Article kArt16_1{"第十六条（一）", "Art. 16(1)"};  // warned twice or more
inline constexpr Article kArt16_2{"第十六条（二）", "Art. 16(2)"};  // refused to rectify
inline constexpr Article kArt16_4{"第十六条（四）", "Art. 16(4)"};  // rectification not done
inline constexpr Article kArt17{"第十七条", "Art. 17"};
inline constexpr Article kArt18{"第十八条", "Art. 18"};
// Art. 16's five items by number (1-based); {"第十六条", "Art. 16"} for anything else.
Article Art16Item(int item);
// Art. 15's six items by number (1-based); {"第十五条", "Art. 15"} for anything else.
Article Art15Item(int item);
}  // namespace article

// ---- Dates and money ---------------------------------------------------------------------

// A calendar day. The pilot's deadlines are whole days in China Standard Time: a deadline dated
// D is met by anything received on D and missed from D+1 on.
using Date = std::chrono::sys_days;

// The calendar day in Xinxiang (UTC+8, no daylight saving) at `t`.
Date ChinaDate(std::chrono::system_clock::time_point t);
// The day `y`-`m`-`d`; the caller ensures it exists.
Date MakeDate(int y, unsigned m, unsigned d);
// "2026-03-31".
std::string FormatDate(Date date);
// Strict "YYYY-MM-DD" (as in the forms' xs:date without time zone); nullopt if malformed or not
// a real day.
std::optional<Date> ParseDate(std::string_view text);

// Money is held in fen (分), never in floating point.
using Fen = std::int64_t;
// "870000.00", "870000.5", "870000" -> fen. nullopt for signs, exponents, more than two
// decimals, or values above 10^15 fen.
std::optional<Fen> ParseYuan(std::string_view text);
// "870000.00".
std::string FormatYuan(Fen fen);

// ---- Art. 12(3): change filings ------------------------------------------------------------

// "改造方案如有投资金额增加、覆盖应用场景减少等较大变动需及时重新提交…备案审核": a change that
// raises the investment or removes a scenario needs review; one that does neither (e.g. lowers
// the amount and keeps every scenario) is recorded without review.
struct ChangeAssessment {
  bool requires_review = false;
  bool raises_investment = false;
  bool removes_scenes = false;
  std::string reason_zh;
  std::string reason_en;
};
ChangeAssessment AssessChange(Fen approved_total, Fen new_total, std::size_t scenes_removed);

// ---- Art. 14: star rating ----------------------------------------------------------------

enum class Satisfaction { kSatisfied, kBasicallySatisfied, kDissatisfied };  // 满意/基本满意/不满意
// "满意" / "基本满意" / "不满意"; nullopt for anything else.
std::optional<Satisfaction> ParseSatisfaction(std::string_view overall);
const char* SatisfactionName(Satisfaction s);

enum class Stars { kNone = 0, kOne = 1, kTwo = 2, kThree = 3 };

// The measures leave the formula to the bureau ("根据服务商服务企业的数量和满意度进行评级"). These
// defaults are a starting point, each configurable:
// * the satisfaction score is the mean of the evaluations' weights (满意 100, 基本满意 60,
//   不满意 0), rounded down to an integer;
// * a level is reached when BOTH the number of enterprises served and the score reach its
//   minimums (inclusive); the highest level reached wins;
// * with no evaluation yet (typical at the first rating, three months after listing) the score
//   is unknown and the rating is capped at `cap_without_evaluations` (default 1★) if the
//   enterprises-served minimum of that level is met.
struct RatingThresholds {
  int three_star_min_served = 5;
  int three_star_min_score = 90;
  int two_star_min_served = 3;
  int two_star_min_score = 75;
  int one_star_min_served = 1;
  int one_star_min_score = 60;
  int weight_satisfied = 100;
  int weight_basically_satisfied = 60;
  int weight_dissatisfied = 0;
  Stars cap_without_evaluations = Stars::kOne;
};

struct RatingInputs {
  int enterprises_served = 0;  // distinct enterprises with a signed contract with the provider
  int satisfied = 0;
  int basically_satisfied = 0;
  int dissatisfied = 0;
};

struct RatingResult {
  Stars stars = Stars::kNone;
  int evaluations = 0;
  std::optional<int> score;  // nullopt without evaluations
  std::string explanation;   // "中文 / English": inputs, score, the threshold met or missed
};

RatingResult ComputeRating(const RatingInputs& inputs, const RatingThresholds& thresholds = {});

// "在第一批服务商公示后的第3个月进行第一次评级". Read as calendar months, the way 次月/第N个月
// are counted in administrative notices: the month of the notice is month 0, so a first listing
// notice dated 2026-01-15 puts the first rating in April 2026 (2026-04-01 … 2026-04-30); one
// dated 2026-11-20 puts it in February 2027. (The other reading — the third rolling month,
// 2026-03-15 … 2026-04-14 — is not used.)
struct DateRange {
  Date first;
  Date last;  // inclusive
};
DateRange FirstRatingWindow(Date first_listing_notice);

}  // namespace sealflow::workflow
