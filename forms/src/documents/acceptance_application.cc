// Copyright sealflow authors.
// 竣工验收申请 — the pilot enterprise's completion acceptance application, with the materials the
// bureau's acceptance notice asks for; the provider assists (Art. 12(4)).
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

// The materials of the acceptance notice, in the order the application lists them. Every one is
// required.
struct MaterialKind {
  const char* kind;
  const char* chinese;
  const char* english;
};
constexpr MaterialKind kMaterials[] = {
    {"project-archive", "项目档案", "project archive"},
    {"application-form", "验收申请表", "application form"},
    {"financial-check", "财务审核", "financial check"},
    {"contract", "合同", "contract"},
    {"invoices-and-payments", "发票及支付凭证", "invoices and payment proof"},
    {"summary-report", "总结报告", "summary report"},
    {"evidence-of-effect", "成效证明", "evidence of effect"},
    {"self-assessment", "改造后自评估", "post-transformation self-assessment"},
};

const char* MaterialName(const std::string& kind) {
  for (const MaterialKind& material : kMaterials) {
    if (kind == material.kind) return material.chinese;
  }
  return "";
}

struct AcceptanceApplication {
  struct Material {
    std::string kind, pages, title, ref_id;
  };
  std::string id, contract_id, contract_sha256, project;
  std::string enterprise_name, enterprise_code, sub_industry, scale;
  std::string provider_name, provider_code;
  std::string batch_year, batch_number, batch_notice;
  std::string contract_amount, completed_on, application_date;
  std::string level_before, self_assessed_level, summary;
  std::vector<Material> materials;
  std::string contact_name, contact_phone;
};

AcceptanceApplication ReadAcceptanceApplication(const xmlNode* root) {
  AcceptanceApplication a;
  a.id = xml::Attribute(root, "id");
  const xmlNode* follows = xml::Child(root, "follows");
  a.contract_id = xml::Attribute(follows, "documentId");
  a.contract_sha256 = xml::Attribute(follows, "sha256");
  a.project = TextAt(root, {"project"});
  a.enterprise_name = TextAt(root, {"enterprise", "name"});
  a.enterprise_code = TextAt(root, {"enterprise", "creditCode"});
  a.sub_industry = TextAt(root, {"enterprise", "subIndustry"});
  a.scale = TextAt(root, {"enterprise", "scale"});
  a.provider_name = TextAt(root, {"provider", "name"});
  a.provider_code = TextAt(root, {"provider", "creditCode"});
  a.batch_year = TextAt(root, {"batch", "year"});
  a.batch_number = TextAt(root, {"batch", "number"});
  a.batch_notice = TextAt(root, {"batch", "notice"});
  a.contract_amount = TextAt(root, {"contractAmount"});
  a.completed_on = TextAt(root, {"completedOn"});
  a.application_date = TextAt(root, {"applicationDate"});
  a.level_before = TextAt(root, {"levelBefore"});
  a.self_assessed_level = TextAt(root, {"selfAssessedLevel"});
  a.summary = TextAt(root, {"summary"});
  for (const xmlNode* node : xml::Children(xml::Child(root, "materials"), "material")) {
    a.materials.push_back({xml::Trim(xml::Attribute(node, "kind")),
                           xml::Trim(xml::Attribute(node, "pages")), TextAt(node, {"title"}),
                           xml::Trim(xml::Attribute(xml::Child(node, "ref"), "documentId"))});
  }
  a.contact_name = TextAt(root, {"contact", "name"});
  a.contact_phone = TextAt(root, {"contact", "phone"});
  return a;
}

void ComposeAcceptanceApplication(const AcceptanceApplication& a, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("项目竣工验收申请", 19);
  page.CenteredLine("申请编号：" + a.id + "　　申请日期：" + ChineseDate(a.application_date), kSong,
                    10.5);
  page.Space(2);

  std::string batch = a.batch_year + "年第" + a.batch_number + "批";
  page.Paragraph("新乡市工业和信息化局：", kSong, 10.5, 0);
  page.Paragraph("根据" +
                 (a.batch_notice.empty() ? std::string("项目竣工验收通知")
                                         : "《项目竣工验收通知》（" + a.batch_notice + "）") +
                 "要求，我单位数字化改造项目已按合同完成实施，现申请参加" + batch +
                 "竣工验收，申报材料附后，请予组织验收。");

  page.Heading("一、项目基本情况");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"项目名称", a.project},
              {"申请单位（试点企业）", a.enterprise_name},
              {"统一社会信用代码", a.enterprise_code},
              {"细分行业 / 企业规模", a.sub_industry + " / " + a.scale},
              {"服务商", a.provider_name},
              {"统一社会信用代码", a.provider_code},
              {"改造合同", a.contract_id},
              {"合同金额", Yuan(a.contract_amount)},
              {"竣工日期", ChineseDate(a.completed_on)},
              {"申请验收批次", batch},
              {"联系人", a.contact_name + "　" + a.contact_phone}});

  page.Heading("二、改造完成情况与成效", 80);
  page.Paragraph(a.summary);
  page.Table({{0.5, kSans, true}, {0.5, kSans, true}}, {"改造前数字化水平", "改造后自评估等级"},
             {{LevelName(a.level_before), LevelName(a.self_assessed_level)}});

  page.Heading("三、申报材料清单", 90);
  std::vector<std::vector<std::string>> materials;
  int number = 0;
  for (const AcceptanceApplication::Material& material : a.materials) {
    std::string title = material.title;
    if (!material.ref_id.empty()) title += "\n文件编号：" + material.ref_id;
    materials.push_back(
        {std::to_string(++number), MaterialName(material.kind), title, material.pages});
  }
  page.Table({{0.08, kSong, true}, {0.2, kSans, false}, {0.58, kSong, false}, {0.14, kSong, true}},
             {"序号", "材料类别", "材料名称", "页数"}, materials);

  page.Heading("四、申请承诺", 180);
  page.Paragraph(
      "本单位承诺所报送的验收申报材料真实、完整，项目按照通过备案审核的改造方案和改造合同实施；"
      "如未通过验收，将按要求限期整改。服务商对上述材料予以确认并配合做好验收工作。");
  page.Space(4);
  page.SignatureBlocks({{"enterprise", "申请单位（试点企业）盖章", 0, 0, 0, 0, 0},
                        {"provider", "服务商（协助）盖章", 0, 0, 0, 0, 0}},
                       {{"法定代表人（签字）：", "日期：　　　　年　　月　　日"},
                        {"项目负责人（签字）：", "日期：　　　　年　　月　　日"}},
                       118);
}

// 第十二条（四）: the materials the acceptance notice asks for, every one of them.
void CheckMaterials(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* materials = xml::Child(root, "materials");
  if (materials == nullptr) return;
  std::vector<const xmlNode*> present = xml::Children(materials, "material");
  for (const MaterialKind& material : kMaterials) {
    bool found = false;
    for (const xmlNode* node : present)
      found = found || xml::Attribute(node, "kind") == material.kind;
    if (found) continue;
    AddFinding(findings, materials,
               std::string("缺少验收申报材料：") + material.chinese +
                   "（第十二条（四）：按照项目竣工验收通知要求提交申报材料） / missing "
                   "acceptance material: " +
                   material.english + " (Art. 12(4))");
  }
  // The contract submitted is the one the application follows.
  std::string contract_id = xml::Trim(xml::Attribute(xml::Child(root, "follows"), "documentId"));
  for (const xmlNode* node : present) {
    if (xml::Attribute(node, "kind") != "contract") continue;
    const xmlNode* ref = xml::Child(node, "ref");
    std::string ref_id = xml::Trim(xml::Attribute(ref, "documentId"));
    if (ref == nullptr || contract_id.empty() || ref_id.empty() || ref_id == contract_id) continue;
    AddFinding(findings, ref,
               "提交的合同 " + ref_id + " 不是本申请所依据的合同 " + contract_id +
                   " / the contract submitted, " + ref_id +
                   ", is not the contract the application follows, " + contract_id);
  }
}

void CheckDates(const xmlNode* root, std::vector<Finding>& findings) {
  std::string completed = IsoDay(TextAt(root, {"completedOn"}));
  const xmlNode* applied = xml::Child(root, "applicationDate");
  std::string applied_day = IsoDay(xml::Trim(xml::Text(applied)));
  if (completed.empty() || applied_day.empty() || completed <= applied_day) return;
  AddFinding(findings, applied,
             "申请日期 " + applied_day + " 早于竣工日期 " + completed +
                 "：项目竣工后方可申请验收 / the application is dated " + applied_day +
                 ", before the project was completed on " + completed);
}

void CheckAcceptanceApplication(const xmlNode* root, std::vector<Finding>& findings) {
  CheckMaterials(root, findings);
  CheckDates(root, findings);
}

void Compose(const xmlNode* root, Composer& page) {
  ComposeAcceptanceApplication(ReadAcceptanceApplication(root), page);
}

}  // namespace

extern const DocumentType kAcceptanceApplication;
const DocumentType kAcceptanceApplication = {
    "acceptance-application",
    "项目竣工验收申请",
    "completion acceptance application",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckAcceptanceApplication,
    Compose,
};

}  // namespace sealflow::forms::documents
