// Copyright sealflow authors.
// 改造实施进度报告 — the provider's periodic progress report on a contract (Art. 5: 定期报送工作
// 进展; Art. 11: no charge before the contract is signed).
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

struct ProgressReport {
  struct Scene {
    std::string code, progress, work;
  };
  struct Dated {
    std::string date, text, amount;
  };
  struct Issue {
    std::string risk, description, measure;
  };
  std::string id, contract_id, contract_signed_on, project;
  std::string enterprise_name, enterprise_code, sub_industry;
  std::string provider_name, provider_code;
  std::string period_start, period_end, report_date;
  std::vector<Scene> scenes;
  std::vector<Dated> milestones, payments;
  std::vector<Issue> issues;
  std::vector<std::string> next_steps;
  std::string contact_name, contact_phone;
};

ProgressReport ReadProgressReport(const xmlNode* root) {
  ProgressReport r;
  r.id = xml::Attribute(root, "id");
  r.contract_id = xml::Attribute(xml::Child(root, "follows"), "documentId");
  r.contract_signed_on = TextAt(root, {"contractSignedOn"});
  r.project = TextAt(root, {"project"});
  r.enterprise_name = TextAt(root, {"enterprise", "name"});
  r.enterprise_code = TextAt(root, {"enterprise", "creditCode"});
  r.sub_industry = TextAt(root, {"enterprise", "subIndustry"});
  r.provider_name = TextAt(root, {"provider", "name"});
  r.provider_code = TextAt(root, {"provider", "creditCode"});
  r.period_start = TextAt(root, {"period", "start"});
  r.period_end = TextAt(root, {"period", "end"});
  r.report_date = TextAt(root, {"reportDate"});
  for (const xmlNode* node : xml::Children(xml::Child(root, "scenes"), "scene")) {
    r.scenes.push_back({xml::Trim(xml::Attribute(node, "code")), TextAt(node, {"progress"}),
                        TextAt(node, {"work"})});
  }
  for (const xmlNode* node : xml::Children(xml::Child(root, "milestones"), "milestone")) {
    r.milestones.push_back({TextAt(node, {"date"}), TextAt(node, {"description"}), ""});
  }
  for (const xmlNode* node : xml::Children(xml::Child(root, "payments"), "payment")) {
    r.payments.push_back(
        {TextAt(node, {"date"}), TextAt(node, {"note"}), TextAt(node, {"amount"})});
  }
  for (const xmlNode* node : xml::Children(xml::Child(root, "issues"), "issue")) {
    r.issues.push_back({xml::Trim(xml::Attribute(node, "risk")), TextAt(node, {"description"}),
                        TextAt(node, {"measure"})});
  }
  for (const xmlNode* node : xml::Children(xml::Child(root, "nextSteps"), "step")) {
    r.next_steps.push_back(xml::Trim(xml::Text(node)));
  }
  r.contact_name = TextAt(root, {"contact", "name"});
  r.contact_phone = TextAt(root, {"contact", "phone"});
  return r;
}

void ComposeProgressReport(const ProgressReport& r, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("改造实施进度报告", 19);
  page.CenteredLine("报告编号：" + r.id + "　　报告日期：" + ChineseDate(r.report_date), kSong,
                    10.5);
  page.Space(2);

  page.Heading("一、项目基本情况");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"项目名称", r.project},
              {"试点企业", r.enterprise_name},
              {"统一社会信用代码", r.enterprise_code},
              {"细分行业", r.sub_industry},
              {"服务商", r.provider_name},
              {"统一社会信用代码", r.provider_code},
              {"改造合同", r.contract_id + "（" + ChineseDate(r.contract_signed_on) + "签订）"},
              {"报告期", ChineseDate(r.period_start) + " 至 " + ChineseDate(r.period_end)},
              {"报告联系人", r.contact_name + "　" + r.contact_phone}});

  page.Heading("二、各应用场景实施进度", 90);
  std::vector<std::vector<std::string>> scenes;
  for (const ProgressReport::Scene& scene : r.scenes) {
    scenes.push_back({SceneName(scene.code), scene.progress + "%", scene.work});
  }
  page.Table({{0.16, kSans, true}, {0.14, kSong, true}, {0.7, kSong, false}},
             {"应用场景", "累计完成", "本期完成工作"}, scenes);

  page.Heading("三、本期完成的里程碑", 60);
  if (r.milestones.empty()) {
    page.Paragraph("本报告期内无新达成的里程碑。");
  } else {
    std::vector<std::vector<std::string>> milestones;
    int number = 0;
    for (const ProgressReport::Dated& milestone : r.milestones) {
      milestones.push_back({std::to_string(++number), ChineseDate(milestone.date), milestone.text});
    }
    page.Table({{0.08, kSong, true}, {0.22, kSong, true}, {0.7, kSong, false}},
               {"序号", "达成日期", "里程碑"}, milestones);
  }

  page.Heading("四、收款情况", 60);
  page.Paragraph("依据第十一条，服务商未在合同签订（" + ChineseDate(r.contract_signed_on) +
                 "）之前向企业收取任何费用。截至本报告日期的收款如下：");
  if (r.payments.empty()) {
    page.Paragraph("截至本报告日期，尚未收取款项。");
  } else {
    std::vector<std::vector<std::string>> payments;
    long long total = 0;
    bool summed = true;
    for (const ProgressReport::Dated& payment : r.payments) {
      payments.push_back({ChineseDate(payment.date), Yuan(payment.amount), payment.text});
      long long cents = 0;
      summed = summed && ParseCents(payment.amount, cents);
      total += cents;
    }
    if (summed && r.payments.size() > 1) {
      payments.push_back({"合计",
                          Yuan(std::to_string(total / 100) + "." +
                               std::to_string(total % 100 / 10) + std::to_string(total % 10)),
                          ""});
    }
    page.Table({{0.22, kSong, true}, {0.24, kSong, true}, {0.54, kSong, false}},
               {"收款日期", "金额", "款项说明"}, payments);
  }

  page.Heading("五、存在的问题与风险", 80);
  if (r.issues.empty()) {
    page.Paragraph("本报告期内未发现影响项目实施的问题与风险。");
  } else {
    std::vector<std::vector<std::string>> issues;
    for (const ProgressReport::Issue& issue : r.issues) {
      issues.push_back({issue.risk, issue.description, issue.measure});
    }
    page.Table({{0.1, kSans, true}, {0.45, kSong, false}, {0.45, kSong, false}},
               {"风险", "问题或风险", "应对措施"}, issues);
  }

  page.Heading("六、下一步工作计划");
  int number = 0;
  for (const std::string& step : r.next_steps) {
    page.Paragraph(std::to_string(++number) + ". " + step);
  }

  page.Heading("七、报告承诺", 170);
  page.Paragraph(
      "本单位承诺本报告所述进度、收款及问题情况真实、准确，项目按照改造合同和通过备案审核的改造方案"
      "实"
      "施，未擅自转包，未影响企业正常生产经营秩序。");
  page.Space(4);
  page.SignatureBlocks({{"provider", "服务商（盖章）", 0, 0, 0, 0, 0}},
                       {{"项目负责人（签字）：", "日期：　　　　年　　月　　日"}}, 110);
}

void CheckPeriod(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* start = xml::Path(root, {"period", "start"});
  const xmlNode* end = xml::Path(root, {"period", "end"});
  std::string start_day = IsoDay(xml::Trim(xml::Text(start)));
  std::string end_day = IsoDay(xml::Trim(xml::Text(end)));
  if (!start_day.empty() && !end_day.empty() && end_day < start_day) {
    AddFinding(findings, end,
               "报告期结束日期 " + end_day + " 早于开始日期 " + start_day +
                   " / the reporting period ends on " + end_day + ", before it starts on " +
                   start_day);
    return;
  }
  const xmlNode* report_date = xml::Child(root, "reportDate");
  std::string report_day = IsoDay(xml::Trim(xml::Text(report_date)));
  if (!report_day.empty() && !end_day.empty() && report_day < end_day) {
    AddFinding(findings, report_date,
               "报告日期 " + report_day + " 早于报告期结束日期 " + end_day +
                   " / the report is dated " + report_day + ", before its period ends on " +
                   end_day);
  }
}

// 第十一条: no payment before the contract is signed (on the signing day is allowed).
void CheckPayments(const xmlNode* root, std::vector<Finding>& findings) {
  std::string signed_on = IsoDay(TextAt(root, {"contractSignedOn"}));
  if (signed_on.empty()) return;
  for (const xmlNode* payment : xml::Children(xml::Child(root, "payments"), "payment")) {
    const xmlNode* date = xml::Child(payment, "date");
    std::string day = IsoDay(xml::Trim(xml::Text(date)));
    if (day.empty() || day >= signed_on) continue;
    AddFinding(findings, date,
               "收款日期 " + day + " 早于合同签订日期 " + signed_on +
                   "（第十一条：不得在合同签订之前提前向企业收费） / payment received on " + day +
                   ", before the contract was signed on " + signed_on +
                   " (Art. 11: no charge before the contract is signed)");
  }
}

// A milestone is reported once reached: not dated after the report.
void CheckMilestones(const xmlNode* root, std::vector<Finding>& findings) {
  std::string report_day = IsoDay(TextAt(root, {"reportDate"}));
  if (report_day.empty()) return;
  for (const xmlNode* milestone : xml::Children(xml::Child(root, "milestones"), "milestone")) {
    const xmlNode* date = xml::Child(milestone, "date");
    std::string day = IsoDay(xml::Trim(xml::Text(date)));
    if (day.empty() || day <= report_day) continue;
    AddFinding(findings, date,
               "里程碑达成日期 " + day + " 晚于报告日期 " + report_day +
                   " / a milestone reported reached on " + day + ", after the report's date " +
                   report_day);
  }
}

void CheckProgressReport(const xmlNode* root, std::vector<Finding>& findings) {
  CheckPeriod(root, findings);
  CheckPayments(root, findings);
  CheckMilestones(root, findings);
}

void Compose(const xmlNode* root, Composer& page) {
  ComposeProgressReport(ReadProgressReport(root), page);
}

}  // namespace

extern const DocumentType kProgressReport;
const DocumentType kProgressReport = {
    "progress-report",
    "改造实施进度报告",
    "implementation progress report",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckProgressReport,
    Compose,
};

}  // namespace sealflow::forms::documents
