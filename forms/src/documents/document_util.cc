// Copyright sealflow authors.
#include "document_util.h"

#include <cstdlib>

#include "../xml_util.h"

namespace sealflow::forms::documents {

std::string ChineseDate(const std::string& iso) {
  if (iso.size() < 10) return iso;
  return iso.substr(0, 4) + "年" + std::to_string(std::atoi(iso.substr(5, 2).c_str())) + "月" +
         std::to_string(std::atoi(iso.substr(8, 2).c_str())) + "日";
}

bool ParseCents(const std::string& text, long long& cents) {
  std::string t = xml::Trim(text);
  if (t.empty()) return false;
  bool negative = t[0] == '-';
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  long long whole = 0;
  int digits = 0;
  for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++digits) {
    if (whole > 100000000000000LL) return false;
    whole = whole * 10 + (t[i] - '0');
  }
  long long fraction = 0;
  int fraction_digits = 0;
  if (i < t.size() && t[i] == '.') {
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, ++fraction_digits) {
      if (fraction_digits >= 2) {
        if (t[i] != '0') return false;  // more than two significant decimals
        continue;
      }
      fraction = fraction * 10 + (t[i] - '0');
    }
  }
  if (i != t.size() || (digits == 0 && fraction_digits == 0)) return false;
  if (fraction_digits == 1) fraction *= 10;
  cents = whole * 100 + fraction;
  if (negative) cents = -cents;
  return true;
}

std::string Yuan(const std::string& decimal) {
  long long cents = 0;
  if (!ParseCents(decimal, cents)) return decimal + " 元";
  bool negative = cents < 0;
  if (negative) cents = -cents;
  std::string whole = std::to_string(cents / 100);
  std::string grouped;
  for (std::size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
    grouped += whole[i];
  }
  long long fraction = cents % 100;
  return (negative ? "-" : "") + grouped + "." + (fraction < 10 ? "0" : "") +
         std::to_string(fraction) + " 元";
}

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

std::string TextAt(const xmlNode* node, std::initializer_list<std::string_view> path) {
  return xml::Trim(xml::Text(xml::Path(node, path)));
}

void AddFinding(std::vector<Finding>& findings, const xmlNode* node, std::string message) {
  Finding finding;
  finding.line = xml::Line(node);
  finding.element = xml::LocalName(node);
  finding.message = std::move(message);
  findings.push_back(std::move(finding));
}

std::string SceneName(const std::string& code) {
  static const std::pair<const char*, const char*> kScenes[] = {
      {"product-design", "产品设计"}, {"process-design", "工艺设计"},
      {"marketing", "营销管理"},      {"after-sales", "售后服务"},
      {"scheduling", "计划排程"},     {"production-control", "生产管控"},
      {"quality", "质量管理"},        {"equipment", "设备管理"},
      {"safety", "安全生产"},         {"energy", "能耗管理"},
      {"procurement", "采购管理"},    {"warehousing", "仓储物流"},
      {"finance", "财务管理"},        {"human-resources", "人力资源"},
      {"collaboration", "协同办公"},  {"decision-support", "决策支持"},
  };
  for (const auto& [c, name] : kScenes) {
    if (code == c) return name;
  }
  return code;
}

// 870000 -> "8700.00": cents as decimal text (for Yuan()).
std::string CentsText(long long cents) {
  bool negative = cents < 0;
  if (negative) cents = -cents;
  long long fraction = cents % 100;
  return (negative ? "-" : "") + std::to_string(cents / 100) + "." + (fraction < 10 ? "0" : "") +
         std::to_string(fraction);
}

// 第七条: the enterprise's share, the provider's concession and the government subsidy under
// <funding> must add up to total_cents exactly. `what_zh`/`what_en` name the total ("改造总投资").
void CheckArticle7Split(const xmlNode* funding, long long total_cents, const std::string& what_zh,
                        const std::string& what_en, std::vector<Finding>& findings) {
  if (funding == nullptr) return;
  long long enterprise = 0, provider = 0, government = 0;
  if (!ParseCents(TextAt(funding, {"enterpriseShare"}), enterprise) ||
      !ParseCents(TextAt(funding, {"providerConcession"}), provider) ||
      !ParseCents(TextAt(funding, {"governmentSubsidy"}), government)) {
    return;  // the schema reports an amount that is missing or not a decimal
  }
  long long sum = enterprise + provider + government;
  if (sum == total_cents) return;
  long long difference = sum > total_cents ? sum - total_cents : total_cents - sum;
  AddFinding(findings, funding,
             "费用分担合计与" + what_zh + "不符（第七条“企业出一点、服务商让一点、政府补一点”）：" +
                 "企业出资 " + Yuan(CentsText(enterprise)) + " + 服务商让利 " +
                 Yuan(CentsText(provider)) + " + 政府补助 " + Yuan(CentsText(government)) + " = " +
                 Yuan(CentsText(sum)) + "，" + what_zh + " " + Yuan(CentsText(total_cents)) +
                 "，相差 " + Yuan(CentsText(difference)) +
                 " / the Art. 7 split does not add up to the " + what_en + ": enterprise " +
                 CentsText(enterprise) + " + provider " + CentsText(provider) + " + government " +
                 CentsText(government) + " = " + CentsText(sum) + ", " + what_en + " " +
                 CentsText(total_cents) + " (off by " + CentsText(difference) + ")");
}

std::string IsoDay(const std::string& text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return "";
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return "";
  }
  return text.substr(0, 10);
}

const char* LevelName(const std::string& level) {
  static const char* const kNames[] = {"未达一级", "一级", "二级", "三级", "四级"};
  if (level.size() == 1 && level[0] >= '0' && level[0] <= '4') return kNames[level[0] - '0'];
  return "";
}

}  // namespace sealflow::forms::documents
