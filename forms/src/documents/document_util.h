// Copyright sealflow authors.
// Small helpers the document composers and rules share.
#pragma once

#include <libxml/tree.h>

#include <string>
#include <string_view>
#include <vector>

#include "forms/validator.h"

namespace sealflow::forms::documents {

// "2026-02-20" -> "2026年2月20日" (the schema guarantees the xs:date shape).
std::string ChineseDate(const std::string& iso);
// "1234567.5" -> "1,234,567.50 元".
std::string Yuan(const std::string& decimal);
std::string Join(const std::vector<std::string>& items, const std::string& separator);
// Trimmed text of the element at a path of child names ("" if missing).
std::string TextAt(const xmlNode* node, std::initializer_list<std::string_view> path);
// A finding at node's line, naming node's element.
void AddFinding(std::vector<Finding>& findings, const xmlNode* node, std::string message);
// Decimal text to cents (exact: amounts have at most two decimals); false if not a decimal.
bool ParseCents(const std::string& text, long long& cents);
// The Chinese name of a scene code of the 2024 indicators ("production-control" -> "生产管控").
std::string SceneName(const std::string& code);

// 870000 -> "8700.00": cents as decimal text (for Yuan()).
std::string CentsText(long long cents);
// 第七条: the enterprise's share, the provider's concession and the government subsidy under
// <funding> (enterpriseShare, providerConcession, governmentSubsidy) must add up to total_cents
// exactly; `what_zh`/`what_en` name the total ("改造总投资"). Appends a finding otherwise.
void CheckArticle7Split(const xmlNode* funding, long long total_cents, const std::string& what_zh,
                        const std::string& what_en, std::vector<Finding>& findings);
// The "YYYY-MM-DD" day of an xs:date or xs:dateTime text, "" if it has no such shape; such days
// compare correctly as strings.
std::string IsoDay(const std::string& text);
// "2" -> "二级"; "0" -> "未达一级"; "" for anything else.
const char* LevelName(const std::string& level);

}  // namespace sealflow::forms::documents
