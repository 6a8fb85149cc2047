// Copyright sealflow authors.
// 数字化改造合同 — the transformation contract between the pilot enterprise (甲方) and the
// service provider (乙方), signed per the approved plan (Art. 11, Art. 12(3)).
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

// 人民币大写金额 as written on Chinese contracts and invoices: "壹佰贰拾捌万陆仟元整".
std::string UppercaseYuan(long long cents) {
  static const char* const kDigits[] = {"零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"};
  static const char* const kUnits[] = {"", "拾", "佰", "仟"};
  static const char* const kSections[] = {"", "万", "亿", "万亿"};
  if (cents < 0) return "";
  long long yuan = cents / 100;
  std::string out;
  if (yuan > 0) {
    std::vector<int> groups;  // four digits each, lowest first
    for (long long rest = yuan; rest > 0; rest /= 10000)
      groups.push_back(static_cast<int>(rest % 10000));
    bool zero_pending = false;
    for (std::size_t g = groups.size(); g-- > 0;) {
      int group = groups[g];
      if (group == 0) {
        zero_pending = !out.empty();
        continue;
      }
      if (!out.empty() && (zero_pending || group < 1000)) out += "零";
      zero_pending = false;
      bool inner_zero = false;
      bool started = false;
      for (int position = 3; position >= 0; --position) {
        int divisor = position == 3 ? 1000 : position == 2 ? 100 : position == 1 ? 10 : 1;
        int digit = (group / divisor) % 10;
        if (digit == 0) {
          inner_zero = started;
          continue;
        }
        if (inner_zero) out += "零";
        inner_zero = false;
        started = true;
        out += kDigits[digit];
        out += kUnits[position];
      }
      out += kSections[g < 4 ? g : 3];
    }
    out += "元";
  }
  int jiao = static_cast<int>((cents / 10) % 10);
  int fen = static_cast<int>(cents % 10);
  if (jiao == 0 && fen == 0) return (out.empty() ? "零元" : out) + "整";
  if (jiao > 0) {
    out += std::string(kDigits[jiao]) + "角";
  } else if (!out.empty()) {
    out += "零";
  }
  if (fen > 0) out += std::string(kDigits[fen]) + "分";
  return out;
}

struct Contract {
  struct Milestone {
    std::string date, amount, condition;
  };
  std::string id, plan_id, plan_sha256, title;
  std::string enterprise_name, enterprise_code, sub_industry, scale;
  std::string provider_name, provider_code;
  std::string signed_on, signed_at, amount;
  std::vector<std::pair<std::string, std::string>> scenes;  // (code, work)
  std::string term_start, term_end;
  std::vector<Milestone> milestones;
  std::vector<std::string> criteria;
  std::string no_subcontracting_clause;
  std::vector<std::string> enterprise_clauses, provider_clauses;
  std::string dispute_resolution;
};

std::vector<std::string> Texts(const xmlNode* parent, std::string_view name) {
  std::vector<std::string> texts;
  for (const xmlNode* node : xml::Children(parent, name))
    texts.push_back(xml::Trim(xml::Text(node)));
  return texts;
}

Contract ReadContract(const xmlNode* root) {
  Contract c;
  c.id = xml::Attribute(root, "id");
  const xmlNode* follows = xml::Child(root, "follows");
  c.plan_id = xml::Attribute(follows, "documentId");
  c.plan_sha256 = xml::Attribute(follows, "sha256");
  c.title = TextAt(root, {"title"});
  c.enterprise_name = TextAt(root, {"enterprise", "name"});
  c.enterprise_code = TextAt(root, {"enterprise", "creditCode"});
  c.sub_industry = TextAt(root, {"enterprise", "subIndustry"});
  c.scale = TextAt(root, {"enterprise", "scale"});
  c.provider_name = TextAt(root, {"provider", "name"});
  c.provider_code = TextAt(root, {"provider", "creditCode"});
  c.signed_on = TextAt(root, {"signedOn"});
  c.signed_at = TextAt(root, {"signedAt"});
  c.amount = TextAt(root, {"amount"});
  for (const xmlNode* scene : xml::Children(xml::Child(root, "scope"), "scene")) {
    c.scenes.emplace_back(xml::Trim(xml::Attribute(scene, "code")), xml::Trim(xml::Text(scene)));
  }
  c.term_start = TextAt(root, {"term", "start"});
  c.term_end = TextAt(root, {"term", "end"});
  for (const xmlNode* node : xml::Children(xml::Child(root, "payments"), "milestone")) {
    c.milestones.push_back(
        {TextAt(node, {"date"}), TextAt(node, {"amount"}), TextAt(node, {"condition"})});
  }
  c.criteria = Texts(xml::Child(root, "acceptanceCriteria"), "criterion");
  c.no_subcontracting_clause = TextAt(root, {"noSubcontracting", "clause"});
  c.enterprise_clauses = Texts(xml::Path(root, {"obligations", "enterprise"}), "clause");
  c.provider_clauses = Texts(xml::Path(root, {"obligations", "provider"}), "clause");
  c.dispute_resolution = TextAt(root, {"disputeResolution"});
  return c;
}

void NumberedParagraphs(Composer& page, const std::vector<std::string>& items) {
  int number = 0;
  for (const std::string& item : items) page.Paragraph(std::to_string(++number) + ". " + item);
}

void ComposeContract(const Contract& c, Composer& page) {
  page.Title("新乡市中小企业数字化转型试点", 19);
  page.Title("数字化改造合同", 19);
  page.CenteredLine("合同编号：" + c.id + "　　签订日期：" + ChineseDate(c.signed_on) +
                        "　　签订地点：" + c.signed_at,
                    kSong, 10.5);
  page.Space(2);

  page.Heading("一、合同双方");
  const std::vector<Column> key_value = {{0.26, kSans, false}, {0.74, kSong, false}};
  page.Table(key_value, {},
             {{"项目名称", c.title},
              {"甲方（试点企业）", c.enterprise_name},
              {"统一社会信用代码", c.enterprise_code},
              {"细分行业 / 企业规模", c.sub_industry + " / " + c.scale},
              {"乙方（服务商）", c.provider_name},
              {"统一社会信用代码", c.provider_code}});

  page.Heading("二、合同依据");
  page.Paragraph(
      "根据《新乡市数字化服务商管理办法（试行）》第十二条（三），甲乙双方按照通过备案审核的改造"
      "方案签订本合同并实施改造。改造方案如有投资金额增加、覆盖应用场景减少等较大变动，须重新提交"
      "新乡市工业和信息化局备案审核。");
  page.Table({{0.26, kSans, false}, {0.74, kSong, false}}, {},
             {{"改造方案编号", c.plan_id}, {"方案文件 SHA-256", c.plan_sha256}}, 9.5);

  page.Heading("三、改造范围与工期", 90);
  std::vector<std::vector<std::string>> scenes;
  int number = 0;
  for (const auto& [code, work] : c.scenes) {
    scenes.push_back({std::to_string(++number), SceneName(code), work});
  }
  page.Table({{0.08, kSong, true}, {0.16, kSans, true}, {0.76, kSong, false}},
             {"序号", "应用场景", "改造内容"}, scenes);
  page.Paragraph("合同工期：自" + ChineseDate(c.term_start) + "起至" + ChineseDate(c.term_end) +
                 "止。");

  page.Heading("四、合同金额与付款节点", 90);
  long long cents = 0;
  std::string uppercase = ParseCents(c.amount, cents) ? UppercaseYuan(cents) : "";
  page.Paragraph("合同总金额为人民币 " + Yuan(c.amount) + "（大写：" + uppercase +
                 "）。依据第十一条，乙方不得在合同签订之前向甲方收取任何费用，各付款节点均不早于合"
                 "同签订日期。");
  std::vector<std::vector<std::string>> payments;
  number = 0;
  for (const Contract::Milestone& milestone : c.milestones) {
    payments.push_back({std::to_string(++number), ChineseDate(milestone.date),
                        Yuan(milestone.amount), milestone.condition});
  }
  payments.push_back({"", "合计", Yuan(c.amount), ""});
  page.Table({{0.08, kSong, true}, {0.2, kSong, true}, {0.22, kSong, true}, {0.5, kSong, false}},
             {"序号", "付款日期", "付款金额", "付款条件"}, payments);

  page.Heading("五、验收标准");
  NumberedParagraphs(page, c.criteria);

  page.Heading("六、不得转包（第十一条）");
  page.Paragraph(c.no_subcontracting_clause);
  page.Paragraph("乙方承诺：本合同项下的改造服务不转包。", kSans);

  page.Heading("七、双方权利义务");
  page.Paragraph("（一）甲方的权利义务", kSans, 10.5, 0);
  NumberedParagraphs(page, c.enterprise_clauses);
  page.Paragraph("（二）乙方的权利义务", kSans, 10.5, 0);
  NumberedParagraphs(page, c.provider_clauses);

  page.Heading("八、争议解决");
  page.Paragraph(c.dispute_resolution);

  page.Heading("九、其他", 200);
  page.Paragraph(
      "本合同自双方盖章之日起生效，一式四份，甲乙双方各执两份，具有同等法律效力；合同副本报新乡市"
      "工业和信息化局存档。");
  page.Space(4);
  page.SignatureBlocks({{"enterprise", "甲方（试点企业）盖章", 0, 0, 0, 0, 0},
                        {"provider", "乙方（服务商）盖章", 0, 0, 0, 0, 0}},
                       {{"法定代表人或授权代表（签字）：", "日期：　　　　年　　月　　日"},
                        {"法定代表人或授权代表（签字）：", "日期：　　　　年　　月　　日"}},
                       118);
}

// 第十一条: no payment before the contract is signed; the milestones make up the amount.
void CheckPayments(const xmlNode* root, std::vector<Finding>& findings) {
  std::string signed_on = IsoDay(TextAt(root, {"signedOn"}));
  long long total = 0;
  bool all_amounts = true;
  std::vector<const xmlNode*> milestones = xml::Children(xml::Child(root, "payments"), "milestone");
  for (const xmlNode* milestone : milestones) {
    const xmlNode* date = xml::Child(milestone, "date");
    std::string day = IsoDay(xml::Trim(xml::Text(date)));
    if (!signed_on.empty() && !day.empty() && day < signed_on) {
      AddFinding(findings, date,
                 "付款节点 " + day + " 早于合同签订日期 " + signed_on +
                     "（第十一条：不得在合同签订之前提前向企业收费） / payment milestone dated " +
                     day + " before the contract is signed on " + signed_on +
                     " (Art. 11: no charge before the contract is signed)");
    }
    long long cents = 0;
    if (ParseCents(TextAt(milestone, {"amount"}), cents)) {
      total += cents;
    } else {
      all_amounts = false;  // the schema reports it
    }
  }
  const xmlNode* amount = xml::Child(root, "amount");
  long long contract_cents = 0;
  if (!all_amounts || milestones.empty() || amount == nullptr ||
      !ParseCents(xml::Text(amount), contract_cents) || total == contract_cents) {
    return;
  }
  std::string sum = Yuan(std::to_string(total / 100) + "." + std::to_string(total % 100 / 10) +
                         std::to_string(total % 10));  // cents back to decimal text
  AddFinding(findings, xml::Child(root, "payments"),
             "付款节点金额合计 " + sum + " 与合同金额 " + Yuan(xml::Trim(xml::Text(amount))) +
                 " 不一致 / the payment milestones add up to " + sum +
                 ", not the contract amount " + Yuan(xml::Trim(xml::Text(amount))));
}

// The term: implementation starts once the contract is signed (签订合同并实施改造) and ends after
// it starts.
void CheckTerm(const xmlNode* root, std::vector<Finding>& findings) {
  std::string signed_on = IsoDay(TextAt(root, {"signedOn"}));
  const xmlNode* start = xml::Path(root, {"term", "start"});
  const xmlNode* end = xml::Path(root, {"term", "end"});
  std::string start_day = IsoDay(xml::Trim(xml::Text(start)));
  std::string end_day = IsoDay(xml::Trim(xml::Text(end)));
  if (!signed_on.empty() && !start_day.empty() && start_day < signed_on) {
    AddFinding(findings, start,
               "合同工期开始日期 " + start_day + " 早于合同签订日期 " + signed_on +
                   "（第十二条（三）：签订合同后实施改造） / the term starts on " + start_day +
                   ", before the contract is signed on " + signed_on + " (Art. 12(3))");
  }
  if (!start_day.empty() && !end_day.empty() && end_day < start_day) {
    AddFinding(findings, end,
               "合同工期结束日期 " + end_day + " 早于开始日期 " + start_day +
                   " / the term ends on " + end_day + ", before it starts on " + start_day);
  }
}

// 第十一条: 不得擅自转包.
void CheckNoSubcontracting(const xmlNode* root, std::vector<Finding>& findings) {
  const xmlNode* clause = xml::Child(root, "noSubcontracting");
  if (clause == nullptr) return;
  const xmlNode* affirmed = xml::Child(clause, "affirmed");
  std::string value = xml::Trim(xml::Text(affirmed));
  if (affirmed != nullptr && (value == "false" || value == "0")) {
    AddFinding(findings, affirmed,
               "合同须载明乙方不转包（第十一条：不得擅自转包） / the contract must affirm that the "
               "provider does not subcontract the work (Art. 11: no subcontracting)");
  }
  for (const xmlNode* subcontractor : xml::Children(clause, "subcontractor")) {
    std::string name = TextAt(subcontractor, {"name"});
    AddFinding(findings, subcontractor,
               "合同申报将改造服务转包给“" + name +
                   "”（第十一条：不得擅自转包） / the contract declares subcontracting to " + name +
                   " (Art. 11: no subcontracting)");
  }
}

void CheckContract(const xmlNode* root, std::vector<Finding>& findings) {
  CheckPayments(root, findings);
  CheckTerm(root, findings);
  CheckNoSubcontracting(root, findings);
}

void Compose(const xmlNode* root, Composer& page) { ComposeContract(ReadContract(root), page); }

}  // namespace

extern const DocumentType kContract;
const DocumentType kContract = {
    "contract",
    "数字化改造合同",
    "transformation contract",
    "enterprise",
    {"enterprise", "creditCode"},
    {"enterprise", "name"},
    CheckContract,
    Compose,
};

}  // namespace sealflow::forms::documents
