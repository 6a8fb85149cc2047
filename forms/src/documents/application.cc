// Copyright sealflow authors.
// 服务商申报书 — the digital service provider's application (Art. 9-10).
#include <set>
#include <string>
#include <vector>

#include "../document_type.h"
#include "../xml_util.h"
#include "document_util.h"

namespace sealflow::forms::documents {
namespace {

using compose::Column;
using compose::Composer;
using compose::kSans;
using compose::kSong;

struct Application {
  struct Case {
    std::string sub_industry, title, client, year, summary;
  };
  std::string id, schema_version;
  std::string name, credit_code, address, legal_representative, business_scope, capital;
  std::vector<std::string> sub_industries;
  std::string technical_staff, total_staff, response_hours;
  std::vector<std::pair<std::string, bool>> declarations;  // (element, value)
  std::vector<Case> cases;
  std::vector<std::pair<std::string, std::string>> capabilities;  // (area, text)
  std::string contact_name, contact_phone, contact_email, date;
};

Application ReadApplication(const xmlNode* root) {
  using xml::Child;
  using xml::Path;
  using xml::Text;
  using xml::Trim;
  Application app;
  app.id = xml::Attribute(root, "id");
  app.schema_version = xml::Attribute(root, "schemaVersion");
  const xmlNode* provider = Child(root, "provider");
  app.name = Trim(Text(Child(provider, "name")));
  app.credit_code = Trim(Text(Child(provider, "creditCode")));
  app.address = Trim(Text(Child(provider, "address")));
  app.legal_representative = Trim(Text(Child(provider, "legalRepresentative")));
  app.business_scope = Trim(Text(Child(provider, "businessScope")));
  app.capital = Trim(Text(Child(provider, "registeredCapital")));
  for (const xmlNode* node : xml::Children(Child(root, "subIndustries"), "subIndustry")) {
    app.sub_industries.push_back(Trim(Text(node)));
  }
  app.technical_staff = Trim(Text(Path(root, {"staff", "technicalStaff"})));
  app.total_staff = Trim(Text(Path(root, {"staff", "totalStaff"})));
  app.response_hours = Trim(Text(Path(root, {"staff", "onSiteResponseHours"})));
  for (const xmlNode* node = Child(root, "declarations") ? Child(root, "declarations")->children
                                                         : nullptr;
       node != nullptr; node = node->next) {
    if (node->type != XML_ELEMENT_NODE) continue;
    std::string value = Trim(Text(node));
    app.declarations.emplace_back(xml::LocalName(node), value == "true" || value == "1");
  }
  for (const xmlNode* node : xml::Children(Child(root, "cases"), "case")) {
    app.cases.push_back({Trim(xml::Attribute(node, "subIndustry")),
                         Trim(Text(Child(node, "title"))), Trim(Text(Child(node, "client"))),
                         Trim(Text(Child(node, "year"))), Trim(Text(Child(node, "summary")))});
  }
  for (const xmlNode* node : xml::Children(Child(root, "capabilities"), "capability")) {
    app.capabilities.emplace_back(Trim(xml::Attribute(node, "area")), Trim(Text(node)));
  }
  app.contact_name = Trim(Text(Path(root, {"contact", "name"})));
  app.contact_phone = Trim(Text(Path(root, {"contact", "phone"})));
  app.contact_email = Trim(Text(Path(root, {"contact", "email"})));
  app.date = Trim(Text(Child(root, "applicationDate")));
  return app;
}

std::string DeclarationText(const std::string& element) {
  if (element == "notOnAbnormalOperationList") return "未被列入经营异常名录";
  if (element == "notOnSeriousDishonestyList") return "未被列入严重失信主体名单";
  if (element == "noMajorSafetyAccident") return "未发生重大安全事故";
  if (element == "noTaxViolation") return "无偷税漏税等税收违法行为";
  return element;
}

void ComposeApplication(const Application& app, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化服务商申报书", 19);
  page.CenteredLine("申报编号：" + app.id + "　　申报日期：" + ChineseDate(app.date), kSong, 10.5);
  page.Space(2);

  page.Heading("一、申报单位基本情况");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"单位名称", app.name},
              {"统一社会信用代码", app.credit_code},
              {"注册地址", app.address},
              {"法定代表人", app.legal_representative},
              {"注册资本", app.capital + " 万元"},
              {"经营范围", app.business_scope},
              {"联系人", app.contact_name},
              {"联系电话", app.contact_phone},
              {"电子邮箱", app.contact_email}});

  page.Heading("二、申报细分行业与服务保障能力");
  page.Table(key_value, {},
             {{"申报细分行业", Join(app.sub_industries, "、")},
              {"技术人员数", app.technical_staff + " 人"},
              {"员工总数", app.total_staff + " 人"},
              {"现场响应时间", "接到需求后 " + app.response_hours + " 小时内到达现场"}});

  page.Heading("三、基本条件承诺（第十条）");
  std::vector<std::vector<std::string>> declarations;
  int number = 0;
  for (const auto& [element, value] : app.declarations) {
    declarations.push_back(
        {std::to_string(++number), DeclarationText(element), value ? "是" : "否"});
  }
  page.Table({{0.1, kSong, true}, {0.7, kSong, false}, {0.2, kSong, true}},
             {"序号", "承诺事项", "是否符合"}, declarations);

  page.Heading("四、数字化改造案例", 90);
  std::vector<std::vector<std::string>> cases;
  number = 0;
  for (const auto& item : app.cases) {
    cases.push_back({std::to_string(++number), item.sub_industry,
                     item.title + "\n服务企业：" + item.client + "\n实施年份：" + item.year,
                     item.summary});
  }
  page.Table({{0.07, kSong, true}, {0.15, kSong, false}, {0.3, kSong, false}, {0.48, kSong, false}},
             {"序号", "细分行业", "案例名称及服务企业", "改造内容与成效"}, cases, 9.5);

  page.Heading("五、八大领域服务能力", 90);
  std::vector<std::vector<std::string>> capabilities;
  for (const auto& [area, text] : app.capabilities) capabilities.push_back({area, text});
  page.Table({{0.2, kSans, true}, {0.8, kSong, false}}, {"领域", "服务能力说明"}, capabilities);

  page.Heading("六、申报承诺", 180);
  page.Paragraph(
      "本单位自愿申报新乡市中小企业数字化转型试点数字化服务商，承诺所填报内容及提供的材料真实、"
      "准确、完整，符合《新乡市数字化服务商管理办法（试行）》第十条规定的基本条件；如有虚假，"
      "愿承担相应责任并接受取消服务商资格等处理。");
  page.Space(4);
  page.SignatureBlocks({{"provider", "申报单位（盖章）", 0, 0, 0, 0, 0},
                        {"county", "县（市、区）工信部门推荐意见", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　　　年　　月　　日"},
                        {"经办人：", "日期：　　　　年　　月　　日"}},
                       118);
}

// 第十条: "在该细分行业至少有一个数字化改造案例" — one case per sub-industry applied for.
void CheckCasePerSubIndustry(const xmlNode* root, std::vector<Finding>& findings) {
  std::set<std::string> with_case;
  for (const xmlNode* item : xml::Children(xml::Child(root, "cases"), "case")) {
    with_case.insert(xml::Trim(xml::Attribute(item, "subIndustry")));
  }
  for (const xmlNode* item : xml::Children(xml::Child(root, "subIndustries"), "subIndustry")) {
    std::string sub_industry = xml::Trim(xml::Text(item));
    if (sub_industry.empty() || with_case.count(sub_industry) != 0) continue;
    AddFinding(
        findings, item,
        "申报的细分行业“" + sub_industry +
            "”没有数字化改造案例（第十条：在该细分行业至少有一个数字化改造案例） / no "
            "transformation case for the sub-industry applied for (Art. 10 requires at least "
            "one case in each)");
  }
}

// 第十条 basic requirements: each declaration must be true.
void CheckDeclarations(const xmlNode* root, std::vector<Finding>& findings) {
  struct Declaration {
    const char* element;
    const char* chinese;
    const char* english;
  };
  static constexpr Declaration kDeclarations[] = {
      {"notOnAbnormalOperationList", "未被列入经营异常名录", "not on the abnormal-operation list"},
      {"notOnSeriousDishonestyList", "未被列入严重失信主体名单",
       "not on the serious-dishonesty list"},
      {"noMajorSafetyAccident", "未发生重大安全事故", "no major safety accident"},
      {"noTaxViolation", "无偷税漏税等税收违法行为", "no tax evasion or other tax violation"},
  };
  const xmlNode* declarations = xml::Child(root, "declarations");
  for (const Declaration& declaration : kDeclarations) {
    const xmlNode* node = xml::Child(declarations, declaration.element);
    if (node == nullptr) continue;  // the schema reports a missing declaration
    std::string value = xml::Trim(xml::Text(node));
    if (value != "false" && value != "0") continue;  // true, or not a boolean (schema reports)
    AddFinding(findings, node,
               std::string("不符合第十条基本条件：须声明“") + declaration.chinese +
                   "” / Art. 10 basic requirement not met: the declaration \"" +
                   declaration.english + "\" must be true");
  }
}

void CheckApplication(const xmlNode* root, std::vector<Finding>& findings) {
  CheckCasePerSubIndustry(root, findings);
  CheckDeclarations(root, findings);
}

void Compose(const xmlNode* root, Composer& page) {
  ComposeApplication(ReadApplication(root), page);
}

}  // namespace

extern const DocumentType kApplication;
const DocumentType kApplication = {
    "application",
    "数字化服务商申报书",
    "provider application",
    "provider",
    {"provider", "creditCode"},
    {"provider", "name"},
    CheckApplication,
    Compose,
};

}  // namespace sealflow::forms::documents
