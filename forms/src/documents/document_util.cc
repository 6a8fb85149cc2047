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

}  // namespace sealflow::forms::documents
