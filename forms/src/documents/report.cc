// Copyright sealflow authors.
// 举报 — a real-name report about the truth or accuracy of a provider's information (Art. 18).
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Composer;
using compose::kSans;
using compose::kSong;

// GB 11643-1999: the 18th character of a 居民身份证 number, from the first 17 digits; '\0' if they
// are not digits.
char IdCheckCharacter(const std::string& number) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  if (number.size() < 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (number[i] < '0' || number[i] > '9') return '\0';
    sum += (number[i] - '0') * kWeights[i];
  }
  return kCheck[sum % 11];
}

// Digits 7-14 are the birth date YYYYMMDD; a real one (1900 on, no 31 February).
bool ValidBirthDate(const std::string& number) {
  auto at = [&](std::size_t pos, std::size_t len) { return std::stoi(number.substr(pos, len)); };
  int year = at(6, 4), month = at(10, 2), day = at(12, 2);
  if (year < 1900 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
}

// Shows the ID number as the report's printed copy should: enough to identify, not the whole
// number (the full number stays in the signed XML the bureau holds).
std::string MaskedId(const std::string& number) {
  if (number.size() < 8) return number;
  return number.substr(0, 4) + std::string(number.size() - 8, '*') +
         number.substr(number.size() - 4);
}

void ComposeReport(const xmlNode* root, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化服务商实名举报表", 19);
  page.CenteredLine("编号：" + xml::Attribute(root, "id") + "　　举报日期：" +
                        ChineseDate(TextAt(root, {"date"})),
                    kSong, 10.5);
  page.Space(2);

  const std::vector<compose::Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Heading("一、举报人（实名）");
  if (const xmlNode* person = xml::Path(root, {"reporter", "person"})) {
    std::vector<std::vector<std::string>> rows = {
        {"姓名", TextAt(person, {"name"})},
        {"身份证件", TextAt(person, {"idType"}) + "　" + MaskedId(TextAt(person, {"idNumber"}))},
        {"联系电话", TextAt(person, {"phone"})},
    };
    if (std::string address = TextAt(person, {"address"}); !address.empty()) {
      rows.push_back({"联系地址", address});
    }
    page.Table(key_value, {}, rows);
  } else {
    const xmlNode* organisation = xml::Path(root, {"reporter", "organisation"});
    page.Table(key_value, {},
               {{"举报单位", TextAt(organisation, {"name"})},
                {"统一社会信用代码", TextAt(organisation, {"creditCode"})},
                {"联系人", TextAt(organisation, {"contactPerson"})},
                {"联系电话", TextAt(organisation, {"phone"})}});
  }

  page.Heading("二、被举报服务商");
  page.Table(key_value, {},
             {{"服务商名称", TextAt(root, {"provider", "name"})},
              {"统一社会信用代码", TextAt(root, {"provider", "creditCode"})}});

  page.Heading("三、举报内容（服务商相关信息的真实性、准确性）");
  std::vector<std::vector<std::string>> allegations;
  int number = 0;
  for (const xmlNode* item : xml::Children(xml::Child(root, "allegations"), "allegation")) {
    allegations.push_back({std::to_string(++number), TextAt(item, {"information"}),
                           TextAt(item, {"problem"}), TextAt(item, {"details"})});
  }
  page.Table({{0.07, kSong, true}, {0.25, kSong, false}, {0.12, kSong, true}, {0.56, kSong, false}},
             {"序号", "涉及信息", "问题性质", "具体情况"}, allegations);

  page.Heading("四、佐证材料");
  std::vector<std::vector<std::string>> evidence;
  number = 0;
  for (const xmlNode* item : xml::Children(xml::Child(root, "evidence"), "item")) {
    evidence.push_back(
        {std::to_string(++number), TextAt(item, {"description"}), TextAt(item, {"reference"})});
  }
  page.Table({{0.08, kSong, true}, {0.57, kSong, false}, {0.35, kSong, false}},
             {"序号", "材料名称", "出处 / 编号"}, evidence);

  page.Heading("五、举报人承诺", 150);
  page.Paragraph(
      "本人（本单位）依据《新乡市中小企业数字化转型城市试点数字化服务商管理办法（试行）》第十八条"
      "实名举报，承诺所举报内容属实、佐证材料真实，如有捏造事实、诬告陷害，愿承担相应法律责任。");
  page.SignatureBlocks({{"reporter", "举报人（签字或盖章）", 0, 0, 0, 0, 0}},
                       {{"举报人：", "日期：　　　　年　　月　　日"}}, 110);
}

void CheckReport(const xmlNode* root, std::vector<Finding>& findings) {
  // 实名举报: a 居民身份证 number must be a possible one.
  if (const xmlNode* person = xml::Path(root, {"reporter", "person"})) {
    const xmlNode* number_node = xml::Child(person, "idNumber");
    std::string number = xml::Trim(xml::Text(number_node));
    if (TextAt(person, {"idType"}) == "居民身份证" && number_node != nullptr) {
      char check = IdCheckCharacter(number);
      if (number.size() != 18 || check == '\0' || !ValidBirthDate(number)) {
        AddFinding(findings, number_node,
                   "居民身份证号码须为18位且含有效出生日期（GB 11643-1999；第十八条 实名举报） / a "
                   "resident ID number has 18 characters with a valid birth date (GB 11643; "
                   "Art. 18 real-name report)");
      } else if (number[17] != check) {
        AddFinding(findings, number_node,
                   "居民身份证号码校验位错误（GB 11643-1999）：第 18 位应为 " +
                       std::string(1, check) +
                       "（第十八条 实名举报） / resident ID check "
                       "character is wrong: expected " +
                       std::string(1, check) + " (Art. 18 real-name report)");
      }
    }
  }
  // A provider cannot report itself: the report is about another party's information.
  const xmlNode* organisation = xml::Path(root, {"reporter", "organisation"});
  std::string reporter_code = TextAt(organisation, {"creditCode"});
  if (!reporter_code.empty() && reporter_code == TextAt(root, {"provider", "creditCode"})) {
    AddFinding(findings, xml::Child(organisation, "creditCode"),
               "举报单位与被举报服务商是同一单位（第十八条） / the reporting organisation is the "
               "provider reported (Art. 18)");
  }
}

}  // namespace

extern const DocumentType kReport;
const DocumentType kReport = {
    "report",
    "举报",
    "report",
    "provider",
    {"provider", "creditCode"},
    {"provider", "name"},
    CheckReport,
    ComposeReport,
};

}  // namespace sealflow::forms::documents
