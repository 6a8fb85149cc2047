// Copyright sealflow authors.
#include "workflow/rules.h"

#include <array>
#include <cstdio>
#include <limits>

namespace sealflow::workflow {

namespace article {

Article Art16Item(int item) {
  static constexpr std::array<Article, 5> kItems{{
      {"第十六条（一）", "Art. 16(1)"},
      {"第十六条（二）", "Art. 16(2)"},
      {"第十六条（三）", "Art. 16(3)"},
      {"第十六条（四）", "Art. 16(4)"},
      {"第十六条（五）", "Art. 16(5)"},
  }};
  if (item < 1 || item > 5) return kArt16;
  return kItems[static_cast<std::size_t>(item - 1)];
}

Article Art15Item(int item) {
  static constexpr std::array<Article, 6> kItems{{
      {"第十五条（一）", "Art. 15(1)"},
      {"第十五条（二）", "Art. 15(2)"},
      {"第十五条（三）", "Art. 15(3)"},
      {"第十五条（四）", "Art. 15(4)"},
      {"第十五条（五）", "Art. 15(5)"},
      {"第十五条（六）", "Art. 15(6)"},
  }};
  if (item < 1 || item > 6) return kArt15;
  return kItems[static_cast<std::size_t>(item - 1)];
}

}  // namespace article

Date ChinaDate(std::chrono::system_clock::time_point t) {
  // China Standard Time is UTC+8 all year (no daylight saving since 1991).
  return std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8));
}

Date MakeDate(int y, unsigned m, unsigned d) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

std::string FormatDate(Date date) {
  const std::chrono::year_month_day ymd{date};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

namespace {

// Digits only, at most `max_digits`; nullopt otherwise.
std::optional<std::int64_t> Digits(std::string_view text, std::size_t max_digits) {
  if (text.empty() || text.size() > max_digits) return std::nullopt;
  std::int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = Digits(text.substr(0, 4), 4);
  const auto m = Digits(text.substr(5, 2), 2);
  const auto d = Digits(text.substr(8, 2), 2);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*y)},
                                        std::chrono::month{static_cast<unsigned>(*m)},
                                        std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::optional<Fen> ParseYuan(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction;
  if (dot != std::string_view::npos) {
    fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 2) return std::nullopt;
  }
  // 10^13 yuan = 10^15 fen: far above any pilot amount, far below int64 overflow.
  const auto yuan = Digits(whole, 13);
  if (!yuan) return std::nullopt;
  std::int64_t fen = 0;
  if (!fraction.empty()) {
    const auto f = Digits(fraction, 2);
    if (!f) return std::nullopt;
    fen = fraction.size() == 1 ? *f * 10 : *f;
  }
  const Fen total = *yuan * 100 + fen;
  if (total > 1'000'000'000'000'000) return std::nullopt;
  return total;
}

std::string FormatYuan(Fen fen) {
  const bool negative = fen < 0;
  const std::uint64_t magnitude =
      negative ? static_cast<std::uint64_t>(-(fen + 1)) + 1 : static_cast<std::uint64_t>(fen);
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%llu.%02llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 100),
                static_cast<unsigned long long>(magnitude % 100));
  return buffer;
}

ChangeAssessment AssessChange(Fen approved_total, Fen new_total, std::size_t scenes_removed) {
  ChangeAssessment a;
  a.raises_investment = new_total > approved_total;
  a.removes_scenes = scenes_removed > 0;
  a.requires_review = a.raises_investment || a.removes_scenes;
  if (a.raises_investment && a.removes_scenes) {
    a.reason_zh = "投资金额增加且覆盖应用场景减少，须重新备案审核";
    a.reason_en = "the investment rises and scenarios are removed: re-filing and review required";
  } else if (a.raises_investment) {
    a.reason_zh = "投资金额由" + FormatYuan(approved_total) + "元增加至" + FormatYuan(new_total) +
                  "元，须重新备案审核";
    a.reason_en = "the investment rises from " + FormatYuan(approved_total) + " to " +
                  FormatYuan(new_total) + " yuan: re-filing and review required";
  } else if (a.removes_scenes) {
    a.reason_zh = "覆盖应用场景减少，须重新备案审核";
    a.reason_en = "scenarios are removed: re-filing and review required";
  } else {
    a.reason_zh = "投资金额未增加且覆盖应用场景未减少，变更予以记录，无需重新审核";
    a.reason_en =
        "the investment does not rise and no scenario is removed: recorded without review";
  }
  return a;
}

std::optional<Satisfaction> ParseSatisfaction(std::string_view overall) {
  if (overall == "满意") return Satisfaction::kSatisfied;
  if (overall == "基本满意") return Satisfaction::kBasicallySatisfied;
  if (overall == "不满意") return Satisfaction::kDissatisfied;
  return std::nullopt;
}

const char* SatisfactionName(Satisfaction s) {
  switch (s) {
    case Satisfaction::kSatisfied:
      return "满意";
    case Satisfaction::kBasicallySatisfied:
      return "基本满意";
    case Satisfaction::kDissatisfied:
      return "不满意";
  }
  return "?";
}

namespace {

struct Level {
  Stars stars;
  int min_served;
  int min_score;
};

std::string StarsZh(Stars s) {
  const int n = static_cast<int>(s);
  return n == 0 ? std::string("无星级") : std::to_string(n) + "星级";
}

std::string StarsEn(Stars s) {
  const int n = static_cast<int>(s);
  return n == 0 ? std::string("no star") : std::to_string(n) + (n > 1 ? " stars" : " star");
}

}  // namespace

RatingResult ComputeRating(const RatingInputs& in, const RatingThresholds& t) {
  RatingResult r;
  r.evaluations = in.satisfied + in.basically_satisfied + in.dissatisfied;
  if (r.evaluations > 0) {
    const long long points =
        static_cast<long long>(in.satisfied) * t.weight_satisfied +
        static_cast<long long>(in.basically_satisfied) * t.weight_basically_satisfied +
        static_cast<long long>(in.dissatisfied) * t.weight_dissatisfied;
    r.score = static_cast<int>(points / r.evaluations);
  }
  const std::array<Level, 3> levels{
      {{Stars::kThree, t.three_star_min_served, t.three_star_min_score},
       {Stars::kTwo, t.two_star_min_served, t.two_star_min_score},
       {Stars::kOne, t.one_star_min_served, t.one_star_min_score}}};
  std::string why_zh;
  std::string why_en;
  for (const Level& level : levels) {
    const bool served_ok = in.enterprises_served >= level.min_served;
    const bool capped =
        !r.score && static_cast<int>(level.stars) > static_cast<int>(t.cap_without_evaluations);
    const bool score_ok = r.score ? *r.score >= level.min_score : !capped;
    if (!served_ok || !score_ok) continue;
    r.stars = level.stars;
    const std::string served = std::to_string(level.min_served);
    const std::string score = std::to_string(level.min_score);
    why_zh = "达到" + StarsZh(level.stars) + "条件：服务企业≥" + served + "家" +
             (r.score ? "且满意度得分≥" + score
                      : "；尚无满意度评价，最高评至" + StarsZh(t.cap_without_evaluations));
    why_en = "meets " + StarsEn(level.stars) + ": served >= " + served +
             (r.score ? " and score >= " + score
                      : "; no evaluation yet, capped at " + StarsEn(t.cap_without_evaluations));
    break;
  }
  if (r.stars == Stars::kNone) {
    why_zh = "未达到1星级条件：服务企业≥" + std::to_string(t.one_star_min_served) +
             "家且满意度得分≥" + std::to_string(t.one_star_min_score);
    why_en = "below 1 star: served >= " + std::to_string(t.one_star_min_served) +
             " and score >= " + std::to_string(t.one_star_min_score);
  }
  r.explanation =
      "服务企业" + std::to_string(in.enterprises_served) + "家；满意度评价" +
      std::to_string(r.evaluations) + "份（满意" + std::to_string(in.satisfied) + "、基本满意" +
      std::to_string(in.basically_satisfied) + "、不满意" + std::to_string(in.dissatisfied) +
      "）；满意度得分" + (r.score ? std::to_string(*r.score) : std::string("无")) + "；" + why_zh +
      "；评定为" + StarsZh(r.stars) + " / enterprises served " +
      std::to_string(in.enterprises_served) + "; evaluations " + std::to_string(r.evaluations) +
      " (satisfied " + std::to_string(in.satisfied) + ", basically satisfied " +
      std::to_string(in.basically_satisfied) + ", dissatisfied " + std::to_string(in.dissatisfied) +
      "); score " + (r.score ? std::to_string(*r.score) : std::string("n/a")) + "; " + why_en +
      "; rated " + StarsEn(r.stars);
  return r;
}

DateRange FirstRatingWindow(Date first_listing_notice) {
  const std::chrono::year_month_day ymd{first_listing_notice};
  const std::chrono::year_month due = ymd.year() / ymd.month() + std::chrono::months{3};
  return {std::chrono::sys_days{due / std::chrono::day{1}},
          std::chrono::sys_days{due / std::chrono::last}};
}

}  // namespace sealflow::workflow
