// Copyright sealflow authors.
#include "workflow/notices.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

#include "forms/credit_code.h"

namespace sealflow::workflow {
namespace {

constexpr const char* kBureauName = "新乡市工业和信息化局";
constexpr const char* kBureauCode = "11410700005264830Y";
constexpr const char* kPrintedBy = "新乡市工业和信息化局办公室";
constexpr std::size_t kMaxJsonBytes = 1u << 20;

[[noreturn]] void Bad(const std::string& at, const std::string& zh, const std::string& en) {
  throw FactsError(FactsErrorCode::kBadField, at, zh, en);
}
[[noreturn]] void Missing(const std::string& at, const std::string& zh, const std::string& en) {
  throw FactsError(FactsErrorCode::kMissingField, at, zh, en);
}

// Characters (code points) of UTF-8 text, as xs:string lengths count them.
std::size_t CodePoints(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// ShortTextType: 1..100 characters, no leading/trailing blanks, one line.
void CheckShort(const std::string& at, const std::string& text) {
  if (text.empty()) Missing(at, "不能为空", "must not be empty");
  if (CodePoints(text) > 100) Bad(at, "超过 100 个字符", "longer than 100 characters");
  if (IsBlank(text.front()) || IsBlank(text.back()) ||
      text.find_first_of("\r\n") != std::string::npos) {
    Bad(at, "首尾不得有空白，且不得换行", "no leading/trailing blanks or line breaks");
  }
}

// LongTextType: 1..2000 characters, not starting with a blank.
void CheckLong(const std::string& at, const std::string& text) {
  if (text.empty()) Missing(at, "不能为空", "must not be empty");
  if (CodePoints(text) > 2000) Bad(at, "超过 2000 个字符", "longer than 2000 characters");
  if (IsBlank(text.front())) Bad(at, "不得以空白开头", "must not start with a blank");
}

bool ValidUtf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      // Control characters other than tab/CR/LF are not allowed in XML 1.0.
      if (c < 0x20 && c != '\t' && c != '\r' && c != '\n') return false;
    } else if ((c >> 5) == 6) {
      extra = 1;
    } else if ((c >> 4) == 14) {
      extra = 2;
    } else if ((c >> 3) == 30) {
      extra = 3;
    } else {
      return false;
    }
    if (text.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

const std::vector<std::string>& SubIndustries() {
  static const std::vector<std::string> names = {"起重装备", "高端医疗器械及卫材", "汽车零部件",
                                                 "新型化工"};
  return names;
}

const std::vector<std::string>& FormTypeNames() {
  static const std::vector<std::string> names = {"application",
                                                 "diagnostic-report",
                                                 "transformation-plan",
                                                 "change-filing",
                                                 "contract",
                                                 "acceptance-application",
                                                 "acceptance-conclusion",
                                                 "notice",
                                                 "progress-report",
                                                 "satisfaction",
                                                 "appeal",
                                                 "report"};
  return names;
}

bool IsSha256(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string QuarterOf(Date day) {
  std::chrono::year_month_day ymd{day};
  unsigned quarter = (static_cast<unsigned>(ymd.month()) - 1) / 3 + 1;
  return std::to_string(static_cast<int>(ymd.year())) + "-Q" + std::to_string(quarter);
}

int YearOf(Date day) { return static_cast<int>(std::chrono::year_month_day{day}.year()); }

std::string Percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", std::floor(value * 10 + 0.5) / 10);
  return buffer;
}

// ---- JSON ----

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string Member(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

std::optional<std::string> GetString(const Object& object, const std::string& path,
                                     const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return std::nullopt;
  Poco::Dynamic::Var value = object.get(name);
  if (!value.isString()) Bad(Member(path, name), "须为字符串", "must be a string");
  std::string text = value.extract<std::string>();
  if (!ValidUtf8(text)) Bad(Member(path, name), "含有无效字符", "contains invalid characters");
  return text;
}

std::string GetText(const Object& object, const std::string& path, const std::string& name) {
  return GetString(object, path, name).value_or("");
}

std::optional<Date> GetDate(const Object& object, const std::string& path,
                            const std::string& name) {
  std::optional<std::string> text = GetString(object, path, name);
  if (!text) return std::nullopt;
  std::optional<Date> date = ParseDate(*text);
  if (!date) Bad(Member(path, name), "日期须为 YYYY-MM-DD：" + *text, "not a YYYY-MM-DD date");
  return date;
}

std::optional<double> GetNumber(const Object& object, const std::string& path,
                                const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return std::nullopt;
  Poco::Dynamic::Var value = object.get(name);
  if (!value.isNumeric()) Bad(Member(path, name), "须为数值", "must be a number");
  double number = value.convert<double>();
  if (!std::isfinite(number)) Bad(Member(path, name), "须为有限数值", "must be finite");
  return number;
}

std::optional<int> GetInt(const Object& object, const std::string& path, const std::string& name,
                          int min, int max) {
  std::optional<double> number = GetNumber(object, path, name);
  if (!number) return std::nullopt;
  if (*number != std::floor(*number) || *number < min || *number > max) {
    Bad(Member(path, name), "须为 " + std::to_string(min) + "–" + std::to_string(max) + " 的整数",
        "must be an integer in " + std::to_string(min) + "–" + std::to_string(max));
  }
  return static_cast<int>(*number);
}

Array::Ptr GetArray(const Object& object, const std::string& path, const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return nullptr;
  Array::Ptr array = object.getArray(name);
  if (!array) Bad(Member(path, name), "须为数组", "must be an array");
  return array;
}

std::vector<std::string> GetStrings(const Object& object, const std::string& path,
                                    const std::string& name, std::size_t max) {
  std::vector<std::string> out;
  Array::Ptr array = GetArray(object, path, name);
  if (!array) return out;
  if (array->size() > max) {
    Bad(Member(path, name), "最多 " + std::to_string(max) + " 项",
        "at most " + std::to_string(max));
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string at = Member(path, name) + "[" + std::to_string(i) + "]";
    Poco::Dynamic::Var value = array->get(static_cast<unsigned>(i));
    if (!value.isString()) Bad(at, "须为字符串", "must be a string");
    std::string text = value.extract<std::string>();
    if (!ValidUtf8(text)) Bad(at, "含有无效字符", "contains invalid characters");
    out.push_back(text);
  }
  return out;
}

Object::Ptr ObjectAt(const Array& array, std::size_t i, const std::string& at) {
  Object::Ptr object = array.getObject(static_cast<unsigned>(i));
  if (!object) Bad(at, "须为对象", "must be an object");
  return object;
}

// ---- checks shared by JSON and NoticeXml ----

std::string ProvidersPath(std::size_t i, const std::string& member = "") {
  return "providers[" + std::to_string(i) + "]" + (member.empty() ? "" : "." + member);
}

// `issued_on` unknown (a JSON request before it is issued): the checks against the issue date and
// the rating period's quarter wait for NoticeXml.
void CheckRequest(const NoticeRequest& r, std::optional<Date> issued, const EngineOptions& options,
                  NoticeRequest& out) {
  const Date issued_on = issued.value_or(Date{});
  out = r;
  if (r.providers.empty())
    Missing("providers", "须列出至少一家服务商", "name at least one provider");
  if (r.providers.size() > 200) Bad("providers", "最多 200 家服务商", "at most 200 providers");
  const bool single = r.kind == NoticeKind::kWarning || r.kind == NoticeKind::kDisqualification ||
                      r.kind == NoticeKind::kReportResponse;
  if (single && r.providers.size() != 1) {
    Bad("providers", "警告、取消资格和举报核查通知只针对一家服务商",
        "a warning, disqualification or report-response notice names exactly one provider");
  }
  std::vector<std::string> seen;
  for (std::size_t i = 0; i < r.providers.size(); ++i) {
    const NoticeProvider& p = r.providers[i];
    if (!forms::IsValidCreditCode(p.credit_code)) {
      Bad(ProvidersPath(i, "creditCode"), "统一社会信用代码无效：" + p.credit_code,
          "not a valid unified social credit code: " + p.credit_code);
    }
    if (std::find(seen.begin(), seen.end(), p.credit_code) != seen.end()) {
      Bad(ProvidersPath(i, "creditCode"), "服务商重复", "the provider is listed twice");
    }
    seen.push_back(p.credit_code);
    CheckShort(ProvidersPath(i, "name"), p.name);
    const bool listing = r.kind == NoticeKind::kListing;
    const bool rating = r.kind == NoticeKind::kRating;
    const bool batch = r.kind == NoticeKind::kAcceptanceBatch;
    if (listing && p.sub_industries.empty()) {
      Missing(ProvidersPath(i, "subIndustries"), "公示须写明服务细分行业（第三条）",
              "a listing names each provider's sub-industries (Art. 3)");
    }
    if (!listing && !p.sub_industries.empty()) {
      Bad(ProvidersPath(i, "subIndustries"), "细分行业只用于名单公示",
          "sub-industries belong to a listing only");
    }
    if (p.sub_industries.size() > 4) {
      Bad(ProvidersPath(i, "subIndustries"), "最多 4 个细分行业", "at most 4 sub-industries");
    }
    for (std::size_t k = 0; k < p.sub_industries.size(); ++k) {
      const auto& names = SubIndustries();
      if (std::find(names.begin(), names.end(), p.sub_industries[k]) == names.end()) {
        Bad(ProvidersPath(i, "subIndustries[" + std::to_string(k) + "]"),
            "不是试点细分行业：" + p.sub_industries[k], "not a pilot sub-industry");
      }
    }
    const bool has_rating = p.enterprises_served || p.satisfaction_rate || p.stars;
    if (rating && (!p.enterprises_served || !p.satisfaction_rate || !p.stars)) {
      Missing(ProvidersPath(i), "评级须写明服务企业数量、满意度和星级（第十四条）",
              "a rating gives enterprisesServed, satisfactionRate and stars (Art. 14)");
    }
    if (!rating && has_rating) {
      Bad(ProvidersPath(i), "星级等只用于评星评级结果", "ratings belong to a rating notice only");
    }
    if (p.enterprises_served && *p.enterprises_served < 0) {
      Bad(ProvidersPath(i, "enterprisesServed"), "不能为负", "must not be negative");
    }
    if (p.satisfaction_rate && (*p.satisfaction_rate < 0 || *p.satisfaction_rate > 100)) {
      Bad(ProvidersPath(i, "satisfactionRate"), "须在 0–100 之间", "must be within 0–100");
    }
    if (p.stars && (*p.stars < 0 || *p.stars > 3)) {
      Bad(ProvidersPath(i, "stars"), "星级须为 0–3", "stars must be 0–3");
    }
    if (batch && p.enterprises.empty()) {
      Missing(ProvidersPath(i, "enterprises"), "验收批次须列出本批试点企业",
              "an acceptance batch lists each provider's enterprises");
    }
    if (!batch && !p.enterprises.empty()) {
      Bad(ProvidersPath(i, "enterprises"), "企业名单只用于验收批次通知",
          "enterprises belong to an acceptance-batch notice only");
    }
    if (p.enterprises.size() > 50) {
      Bad(ProvidersPath(i, "enterprises"), "最多 50 家企业", "at most 50 enterprises");
    }
    for (std::size_t k = 0; k < p.enterprises.size(); ++k) {
      CheckShort(ProvidersPath(i, "enterprises[" + std::to_string(k) + "]"), p.enterprises[k]);
    }
  }
  if (r.follows.size() > 10) Bad("follows", "最多引用 10 份文件", "at most 10 documents");
  int notices_followed = 0;
  int reports_followed = 0;
  for (std::size_t i = 0; i < r.follows.size(); ++i) {
    const NoticeFollows& f = r.follows[i];
    const std::string at = "follows[" + std::to_string(i) + "]";
    const auto& types = FormTypeNames();
    if (std::find(types.begin(), types.end(), f.form_type) == types.end()) {
      Bad(at + ".formType", "不是表单类型：" + f.form_type, "not a form type: " + f.form_type);
    }
    CheckShort(at + ".documentId", f.document_id);
    if (!IsSha256(f.sha256))
      Bad(at + ".sha256", "须为 64 位小写十六进制", "64 lowercase hex digits");
    notices_followed += f.form_type == "notice" ? 1 : 0;
    reports_followed += f.form_type == "report" ? 1 : 0;
  }
  if (r.title.size() > 0) CheckShort("title", r.title);
  if (r.addressees.size() > 10) Bad("addressees", "最多 10 个主送机关", "at most 10 addressees");
  for (std::size_t i = 0; i < r.addressees.size(); ++i) {
    CheckShort("addressees[" + std::to_string(i) + "]", r.addressees[i]);
  }
  if (r.paragraphs.size() > 20) Bad("paragraphs", "最多 20 段", "at most 20 paragraphs");
  for (std::size_t i = 0; i < r.paragraphs.size(); ++i) {
    CheckLong("paragraphs[" + std::to_string(i) + "]", r.paragraphs[i]);
  }
  if (r.copy_to.size() > 10) Bad("copyTo", "最多 10 个抄送机关", "at most 10 organisations");
  for (std::size_t i = 0; i < r.copy_to.size(); ++i) {
    CheckShort("copyTo[" + std::to_string(i) + "]", r.copy_to[i]);
  }
  if (!r.contact_name.empty() || !r.contact_phone.empty()) {
    CheckShort("contact.name", r.contact_name);
    static const std::regex phone("1[3-9][0-9]{9}|0[0-9]{2,3}-[0-9]{7,8}");
    if (!std::regex_match(r.contact_phone, phone)) {
      Bad("contact.phone", "电话号码格式无效", "not a phone number (mobile or 0xxx-xxxxxxx)");
    }
  }

  switch (r.kind) {
    case NoticeKind::kListing: {
      if (!r.batch.empty()) CheckShort("batch", r.batch);
      Date start = r.objection_start.value_or(issued_on);
      Date end = r.objection_end.value_or(start + std::chrono::days{options.objection_days});
      if (start < issued_on) {
        Bad("objectionStart", "公示期不得早于成文日期开始（第九条）",
            "the objection period cannot start before the issue date (Art. 9)");
      }
      if (end <= start) {
        Bad("objectionEnd", "公示期的截止日期须晚于开始日期（第九条）",
            "the objection period must end after it starts (Art. 9)");
      }
      out.objection_start = start;
      out.objection_end = end;
      break;
    }
    case NoticeKind::kRating: {
      Date day = r.rating_date.value_or(issued_on);
      if (!r.period.empty() && (issued || r.rating_date) && r.period != QuarterOf(day)) {
        Bad("period", "评级期须为评级日期所在季度（" + QuarterOf(day) + "）",
            "the period must be the quarter of the rating date (" + QuarterOf(day) + ")");
      }
      out.rating_date = day;
      out.period = QuarterOf(day);
      if (!r.round.empty()) CheckShort("round", r.round);
      if (!r.method.empty()) CheckLong("method", r.method);
      break;
    }
    case NoticeKind::kWarning: {
      if (r.ground < 1 || r.ground > 6) {
        Bad("ground", "警告须依据第十五条第（一）至（六）项之一", "ground must be 1–6 (Art. 15)");
      }
      CheckLong("facts", r.facts);
      if (!r.requirements.empty()) CheckLong("requirements", r.requirements);
      Date deadline = r.rectification_deadline.value_or(
          issued_on + std::chrono::days{options.rectification_days});
      if (deadline <= issued_on) {
        Bad("rectificationDeadline", "整改期限须晚于成文日期（第十五条）",
            "the rectification deadline must be after the issue date (Art. 15)");
      }
      out.rectification_deadline = deadline;
      break;
    }
    case NoticeKind::kDisqualification: {
      if (r.ground < 1 || r.ground > 5) {
        Bad("ground", "取消资格须依据第十六条第（一）至（五）项之一",
            "ground must be 1–5 (Art. 16)");
      }
      if (r.ground == 1 && notices_followed < 2) {
        Missing("follows", "依第十六条第（一）项取消资格须引用至少两份警告通知",
                "Art. 16(1) needs at least two warning notices in follows");
      }
      if (r.ground == 2 && notices_followed < 1) {
        Missing("follows", "依第十六条第（二）项取消资格须引用该警告通知",
                "Art. 16(2) needs the warning notice in follows");
      }
      CheckLong("facts", r.facts);
      if (r.fees != "withheld" && r.fees != "partly-deducted" && r.fees != "paid") {
        Bad("fees", "服务费用处理须为 withheld、partly-deducted 或 paid",
            "fees must be withheld, partly-deducted or paid");
      }
      if (r.fees == "partly-deducted" && !r.deducted_amount) {
        Missing("deductedAmount", "扣除部分服务费用须写明扣除金额（第十六条）",
                "a partial deduction states deductedAmount (Art. 16)");
      }
      if (r.fees != "partly-deducted" && r.deducted_amount) {
        Bad("deductedAmount", "只有扣除部分服务费用时才写扣除金额",
            "deductedAmount belongs to a partial deduction only");
      }
      break;
    }
    case NoticeKind::kAcceptanceBatch: {
      if (r.batch_number < 1) Missing("batchNumber", "须写明验收批次", "batchNumber is required");
      if (!r.submission_deadline || !r.acceptance_start || !r.acceptance_end) {
        Missing(!r.submission_deadline ? "submissionDeadline"
                : !r.acceptance_start  ? "acceptanceStart"
                                       : "acceptanceEnd",
                "须写明材料截止日期和验收时间",
                "the deadline and the acceptance period are required");
      }
      if (*r.submission_deadline <= issued_on) {
        Bad("submissionDeadline", "材料报送截止日期须晚于成文日期（第十二条（四））",
            "the submission deadline must be after the issue date (Art. 12(4))");
      }
      if (*r.submission_deadline > *r.acceptance_start) {
        Bad("submissionDeadline", "申报材料须在验收开始前报送（第十二条（四））",
            "materials must be due by the start of acceptance (Art. 12(4))");
      }
      if (*r.acceptance_end < *r.acceptance_start) {
        Bad("acceptanceEnd", "验收结束日期不得早于开始日期",
            "the period cannot end before it starts");
      }
      CheckShort("place", r.place);
      if (r.materials.empty() || r.materials.size() > 20) {
        Bad("materials", "须列出 1–20 项申报材料", "list 1–20 materials");
      }
      for (std::size_t i = 0; i < r.materials.size(); ++i) {
        CheckShort("materials[" + std::to_string(i) + "]", r.materials[i]);
      }
      break;
    }
    case NoticeKind::kReportResponse: {
      if (reports_followed == 0) {
        Missing("follows", "举报核查通知须引用所核查的举报（第十八条）",
                "a report-response notice follows the report (Art. 18)");
      }
      CheckLong("allegation", r.allegation);
      if (r.required_materials.empty() || r.required_materials.size() > 20) {
        Bad("requiredMaterials", "须列出 1–20 项材料", "list 1–20 materials");
      }
      for (std::size_t i = 0; i < r.required_materials.size(); ++i) {
        CheckShort("requiredMaterials[" + std::to_string(i) + "]", r.required_materials[i]);
      }
      Date deadline =
          r.response_deadline.value_or(issued_on + std::chrono::days{options.report_response_days});
      if (deadline <= issued_on) {
        Bad("responseDeadline", "回复期限须晚于成文日期（第十八条）",
            "the response deadline must be after the issue date (Art. 18)");
      }
      out.response_deadline = deadline;
      break;
    }
  }
}

std::string DefaultTitle(const NoticeRequest& r) {
  const std::string first = r.providers.front().name;
  switch (r.kind) {
    case NoticeKind::kListing:
      return "关于" + (r.batch.empty() ? std::string("第一批") : r.batch) +
             "数字化服务商拟入库名单的公示";
    case NoticeKind::kRating:
      return "关于公布数字化服务商评星评级结果（" + r.period + "）的通知";
    case NoticeKind::kWarning:
      return "关于对" + first + "予以警告并限期整改的通知";
    case NoticeKind::kDisqualification:
      return "关于取消" + first + "数字化服务商资格的通告";
    case NoticeKind::kAcceptanceBatch:
      return "关于开展第" + std::to_string(r.batch_number) + "批试点项目竣工验收的通知";
    case NoticeKind::kReportResponse:
      return "关于请" + first + "就举报事项作出说明的通知";
  }
  return "通知";
}

std::string DefaultParagraph(const NoticeRequest& r) {
  switch (r.kind) {
    case NoticeKind::kListing:
      return "根据《新乡市中小企业数字化转型城市试点数字化服务商管理办法（试行）》第九条，经企业"
             "自愿申报、县（市、区）审查推荐、专家评审和专题会议研究，拟将以下单位纳入数字化服务商"
             "名单，现予公示。";
    case NoticeKind::kRating:
      return "根据《办法》第十四条，按照服务商服务企业的数量和试点企业满意度，对数字化服务商进行"
             "评星评级，现将结果公布如下。";
    case NoticeKind::kWarning:
      return "经查，你单位在数字化转型服务中存在《办法》第十五条规定的情形，现予以警告并限期整改。";
    case NoticeKind::kDisqualification:
      return "经查，该单位存在《办法》第十六条规定的情形，决定取消其数字化服务商资格。";
    case NoticeKind::kAcceptanceBatch:
      return "根据《办法》第十二条（四），现组织开展试点项目竣工验收，有关事项通知如下。";
    case NoticeKind::kReportResponse:
      return "根据《办法》第十八条，我局收到关于你单位的实名举报，请按要求作出说明。";
  }
  return "";
}

std::string DefaultMethod() {
  return "依据《办法》第十四条，按服务企业数量和满意度评级：三星级须服务5家及以上且满意度90分及"
         "以上，二星级须服务3家及以上且满意度75分及以上，一星级须服务1家及以上且满意度60分及以上"
         "（满意100分、基本满意60分、不满意0分，取平均）；尚无满意度评价的，满意度记0.0，星级至多"
         "为一星级。";
}

}  // namespace

const char* NoticeKindName(NoticeKind kind) {
  switch (kind) {
    case NoticeKind::kListing:
      return "listing";
    case NoticeKind::kRating:
      return "rating";
    case NoticeKind::kWarning:
      return "warning";
    case NoticeKind::kDisqualification:
      return "disqualification";
    case NoticeKind::kAcceptanceBatch:
      return "acceptance-batch";
    case NoticeKind::kReportResponse:
      return "report-response";
  }
  return "listing";
}

std::optional<NoticeKind> ParseNoticeKind(std::string_view name) {
  for (NoticeKind kind :
       {NoticeKind::kListing, NoticeKind::kRating, NoticeKind::kWarning,
        NoticeKind::kDisqualification, NoticeKind::kAcceptanceBatch, NoticeKind::kReportResponse}) {
    if (name == NoticeKindName(kind)) return kind;
  }
  return std::nullopt;
}

NoticeRequest NoticeRequestFromJson(std::string_view json) {
  if (json.size() > kMaxJsonBytes) Bad("", "请求超过 1 MiB", "the request is larger than 1 MiB");
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(std::string(json));
  } catch (const Poco::Exception& error) {
    throw FactsError(FactsErrorCode::kMalformed, "", "JSON 格式错误：" + error.message(),
                     "malformed JSON: " + error.message());
  }
  Object::Ptr root;
  try {
    root = parsed.extract<Object::Ptr>();
  } catch (const Poco::Exception&) {
    root = nullptr;
  }
  if (!root)
    throw FactsError(FactsErrorCode::kMalformed, "", "须为 JSON 对象", "must be an object");
  const Object& o = *root;
  NoticeRequest r;
  std::optional<std::string> kind = GetString(o, "", "kind");
  if (!kind) Missing("kind", "缺少通知种类", "kind is required");
  std::optional<NoticeKind> parsed_kind = ParseNoticeKind(*kind);
  if (!parsed_kind) Bad("kind", "未知的通知种类：" + *kind, "unknown notice kind: " + *kind);
  r.kind = *parsed_kind;
  r.title = GetText(o, "", "title");
  r.addressees = GetStrings(o, "", "addressees", 10);
  r.paragraphs = GetStrings(o, "", "paragraphs", 20);
  Array::Ptr providers = GetArray(o, "", "providers");
  if (!providers || providers->size() == 0) {
    Missing("providers", "须列出至少一家服务商", "name at least one provider");
  }
  if (providers->size() > 200) Bad("providers", "最多 200 家服务商", "at most 200 providers");
  for (std::size_t i = 0; i < providers->size(); ++i) {
    const std::string at = ProvidersPath(i);
    Object::Ptr p = ObjectAt(*providers, i, at);
    NoticeProvider provider;
    provider.credit_code = GetText(*p, at, "creditCode");
    provider.name = GetText(*p, at, "name");
    provider.sub_industries = GetStrings(*p, at, "subIndustries", 4);
    provider.enterprises_served = GetInt(*p, at, "enterprisesServed", 0, 1000000);
    provider.satisfaction_rate = GetNumber(*p, at, "satisfactionRate");
    provider.stars = GetInt(*p, at, "stars", 0, 3);
    provider.enterprises = GetStrings(*p, at, "enterprises", 50);
    r.providers.push_back(std::move(provider));
  }
  if (Array::Ptr follows = GetArray(o, "", "follows")) {
    if (follows->size() > 10) Bad("follows", "最多引用 10 份文件", "at most 10 documents");
    for (std::size_t i = 0; i < follows->size(); ++i) {
      const std::string at = "follows[" + std::to_string(i) + "]";
      Object::Ptr f = ObjectAt(*follows, i, at);
      r.follows.push_back(
          {GetText(*f, at, "formType"), GetText(*f, at, "documentId"), GetText(*f, at, "sha256")});
    }
  }
  r.batch = GetText(o, "", "batch");
  r.objection_start = GetDate(o, "", "objectionStart");
  r.objection_end = GetDate(o, "", "objectionEnd");
  r.period = GetText(o, "", "period");
  r.round = GetText(o, "", "round");
  r.rating_date = GetDate(o, "", "ratingDate");
  r.method = GetText(o, "", "method");
  r.ground = GetInt(o, "", "ground", 0, 100).value_or(0);
  r.facts = GetText(o, "", "facts");
  r.requirements = GetText(o, "", "requirements");
  r.rectification_deadline = GetDate(o, "", "rectificationDeadline");
  if (std::optional<std::string> fees = GetString(o, "", "fees")) r.fees = *fees;
  if (std::optional<std::string> amount = GetString(o, "", "deductedAmount")) {
    std::optional<Fen> fen = ParseYuan(*amount);
    if (!fen) Bad("deductedAmount", "金额无效：" + *amount, "not an amount in yuan");
    r.deducted_amount = fen;
  }
  r.batch_number = GetInt(o, "", "batchNumber", 0, 9999).value_or(0);
  r.submission_deadline = GetDate(o, "", "submissionDeadline");
  r.acceptance_start = GetDate(o, "", "acceptanceStart");
  r.acceptance_end = GetDate(o, "", "acceptanceEnd");
  r.place = GetText(o, "", "place");
  r.materials = GetStrings(o, "", "materials", 20);
  r.allegation = GetText(o, "", "allegation");
  r.required_materials = GetStrings(o, "", "requiredMaterials", 20);
  r.response_deadline = GetDate(o, "", "responseDeadline");
  if (o.has("contact") && !o.isNull("contact")) {
    Object::Ptr contact = o.getObject("contact");
    if (!contact) Bad("contact", "须为对象", "must be an object");
    r.contact_name = GetText(*contact, "contact", "name");
    r.contact_phone = GetText(*contact, "contact", "phone");
  }
  r.copy_to = GetStrings(o, "", "copyTo", 10);
  // Everything NoticeXml would refuse is refused now, against an issue date that cannot make
  // a valid request invalid (the deadlines are checked again against the real issue date).
  NoticeRequest checked;
  CheckRequest(r, std::nullopt, {}, checked);
  return r;
}

std::string NoticeXml(const NoticeRequest& request, const std::string& document_id, Date issued_on,
                      const EngineOptions& options) {
  static const std::regex id_pattern("NTC-([0-9]{4})-([0-9]{4,6})");
  std::smatch match;
  if (!std::regex_match(document_id, match, id_pattern)) {
    Bad("@id", "通知编号须为 NTC-年份-序号：" + document_id, "a notice id is NTC-YYYY-NNNN");
  }
  if (std::stoi(match[1].str()) != YearOf(issued_on)) {
    Bad("@id", "通知编号的年份须为成文日期的年份", "the id's year must be the issue date's year");
  }
  const long serial = std::stol(match[2].str());
  if (serial < 1 || serial > 9999) {
    Bad("@id", "发文字号序号须为 1–9999", "the document number must be 1–9999");
  }
  NoticeRequest r;
  CheckRequest(request, issued_on, options, r);

  std::string x;
  x.reserve(4096);
  auto element = [&](const std::string& indent, const std::string& name, const std::string& text) {
    x += indent + "<" + name + ">" + Escape(text) + "</" + name + ">\n";
  };
  const std::string year = std::to_string(YearOf(issued_on));
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<notice id=\"" + document_id + "\" schemaVersion=\"1.0\">\n";
  x += "  <issuer>\n";
  element("    ", "name", kBureauName);
  element("    ", "creditCode", kBureauCode);
  x += "  </issuer>\n";
  element("  ", "documentNumber", "新工信〔" + year + "〕" + std::to_string(serial) + "号");
  std::string title = r.title.empty() ? DefaultTitle(r) : r.title;
  if (CodePoints(title) > 100) {
    // A long provider name: the generic title of the kind.
    static const char* const kGeneric[] = {"数字化服务商名单公示",   "数字化服务商评星评级结果",
                                           "警告并限期整改的通知",   "取消数字化服务商资格的通告",
                                           "试点项目竣工验收的通知", "举报核查通知"};
    title = kGeneric[static_cast<int>(r.kind)];
  }
  element("  ", "title", title);
  x += "  <addressees>\n";
  std::vector<std::string> addressees = r.addressees;
  if (addressees.empty()) {
    const bool many = r.kind == NoticeKind::kListing || r.kind == NoticeKind::kRating ||
                      r.kind == NoticeKind::kAcceptanceBatch;
    if (many) {
      addressees = {"各县（市、区）工业和信息化主管部门", "各有关单位"};
    } else {
      addressees = {r.providers.front().name};
    }
  }
  for (const std::string& a : addressees) element("    ", "addressee", a);
  x += "  </addressees>\n";
  for (const NoticeFollows& f : r.follows) {
    x += "  <follows formType=\"" + Escape(f.form_type) + "\" documentId=\"" +
         Escape(f.document_id) + "\" sha256=\"" + f.sha256 + "\"/>\n";
  }
  x += "  <providers>\n";
  for (const NoticeProvider& p : r.providers) {
    x += "    <provider>\n";
    element("      ", "name", p.name);
    element("      ", "creditCode", p.credit_code);
    for (const std::string& s : p.sub_industries) element("      ", "subIndustry", s);
    if (p.enterprises_served) {
      element("      ", "enterprisesServed", std::to_string(*p.enterprises_served));
    }
    if (p.satisfaction_rate) element("      ", "satisfactionRate", Percent(*p.satisfaction_rate));
    if (p.stars) element("      ", "stars", std::to_string(*p.stars));
    for (const std::string& e : p.enterprises) element("      ", "enterprise", e);
    x += "    </provider>\n";
  }
  x += "  </providers>\n";
  x += "  <body>\n";
  if (r.paragraphs.empty()) {
    element("    ", "paragraph", DefaultParagraph(r));
  } else {
    for (const std::string& p : r.paragraphs) element("    ", "paragraph", p);
  }
  x += "  </body>\n";
  switch (r.kind) {
    case NoticeKind::kListing:
      x += "  <listing>\n";
      element("    ", "batch", r.batch.empty() ? "第一批" : r.batch);
      x += "    <objectionPeriod>\n";
      element("      ", "start", FormatDate(*r.objection_start));
      element("      ", "end", FormatDate(*r.objection_end));
      x += "    </objectionPeriod>\n";
      x += "    <objectionContact>\n";
      element("      ", "name", r.contact_name.empty() ? "市工信局中小企业科" : r.contact_name);
      element("      ", "phone", r.contact_phone.empty() ? "0373-3038216" : r.contact_phone);
      x += "    </objectionContact>\n";
      x += "  </listing>\n";
      break;
    case NoticeKind::kRating:
      x += "  <rating>\n";
      element("    ", "round", r.round.empty() ? r.period + " 评级" : r.round);
      element("    ", "ratingDate", FormatDate(*r.rating_date));
      element("    ", "method", r.method.empty() ? DefaultMethod() : r.method);
      x += "  </rating>\n";
      break;
    case NoticeKind::kWarning:
      x += "  <warning>\n";
      element("    ", "ground", std::to_string(r.ground));
      element("    ", "facts", r.facts);
      element("    ", "requirements",
              r.requirements.empty()
                  ? "对照查明的问题逐项整改，并于整改期限内向市工信局报送整改报告。"
                  : r.requirements);
      element("    ", "rectificationDeadline", FormatDate(*r.rectification_deadline));
      x += "  </warning>\n";
      break;
    case NoticeKind::kDisqualification:
      x += "  <disqualification>\n";
      element("    ", "ground", std::to_string(r.ground));
      element("    ", "facts", r.facts);
      element("    ", "fees", r.fees);
      if (r.deducted_amount) element("    ", "deductedAmount", FormatYuan(*r.deducted_amount));
      x += "  </disqualification>\n";
      break;
    case NoticeKind::kAcceptanceBatch:
      x += "  <acceptanceBatch>\n";
      element("    ", "batch", std::to_string(r.batch_number));
      element("    ", "submissionDeadline", FormatDate(*r.submission_deadline));
      x += "    <acceptancePeriod>\n";
      element("      ", "start", FormatDate(*r.acceptance_start));
      element("      ", "end", FormatDate(*r.acceptance_end));
      x += "    </acceptancePeriod>\n";
      element("    ", "place", r.place);
      x += "    <materials>\n";
      for (const std::string& m : r.materials) element("      ", "material", m);
      x += "    </materials>\n";
      x += "  </acceptanceBatch>\n";
      break;
    case NoticeKind::kReportResponse:
      x += "  <reportResponse>\n";
      element("    ", "allegation", r.allegation);
      x += "    <requiredMaterials>\n";
      for (const std::string& m : r.required_materials) element("      ", "material", m);
      x += "    </requiredMaterials>\n";
      element("    ", "responseDeadline", FormatDate(*r.response_deadline));
      x += "  </reportResponse>\n";
      break;
  }
  if (!r.contact_name.empty()) {
    x += "  <contact>\n";
    element("    ", "name", r.contact_name);
    element("    ", "phone", r.contact_phone);
    x += "  </contact>\n";
  }
  element("  ", "issueDate", FormatDate(issued_on));
  if (!r.copy_to.empty()) {
    x += "  <copyTo>\n";
    for (const std::string& c : r.copy_to) element("    ", "organisation", c);
    x += "  </copyTo>\n";
  }
  element("  ", "printedBy", kPrintedBy);
  element("  ", "printDate", FormatDate(issued_on));
  x += "</notice>\n";
  return x;
}

NoticeRequest RatingNoticeRequest(const Engine& engine, Date on, const std::string& period) {
  NoticeRequest r;
  r.kind = NoticeKind::kRating;
  r.rating_date = on;
  r.period = period;
  for (const auto& [code, rating] : engine.ProposeRatings(on)) {
    const Provider* provider = engine.FindProvider(code);
    NoticeProvider p;
    p.credit_code = code;
    p.name = provider != nullptr ? provider->name : code;
    p.enterprises_served = rating.inputs.enterprises_served;
    p.satisfaction_rate = rating.result.score ? static_cast<double>(*rating.result.score) : 0.0;
    p.stars = static_cast<int>(rating.result.stars);
    r.providers.push_back(std::move(p));
  }
  return r;
}

}  // namespace sealflow::workflow
