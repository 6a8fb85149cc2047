// Copyright sealflow authors.
#include "verbs.h"

namespace sealflow::cli {

int RunToken(int argc, char** argv);  // verb_token.cc

const std::vector<Verb>& Verbs() {
  static const std::vector<Verb> verbs = {
      {"render", "校验并生成 PDF / validate a form XML and render it to a Chinese PDF", RunRender},
      {"validate", "按 XML Schema 校验表单 / validate form XML files", RunValidate},
      {"schema", "列出表单类型与版本 / list form types and schema versions", RunSchema},
      {"sign", "PAdES 签名 / sign a PDF (PAdES B-B, B-T, B-LT)", RunSign},
      {"timestamp", "文档时间戳 / add a document timestamp (PAdES B-LTA)", RunTimestamp},
      {"verify", "验证签名 / verify the signatures of PDF files", RunVerify},
      {"ca", "主管部门 CA：签发、吊销、CRL / the bureau's CA: issue, revoke, CRL", RunCa},
      {"serve", "启动 HTTP 服务 / run the HTTP service", RunServe},
      {"demo", "演示：完整试点（6 家服务商、30 家企业） / a whole pilot, signed and archived",
       RunDemo},
      {"audit", "校验审计链 / verify the archive's hash-chained audit log", RunAudit},
      {"dossier", "企业档案：列出、导出、离线校验 / list, export, verify dossiers", RunDossier},
      {"token", "服务令牌：签发、列出、吊销 / bearer tokens: issue, list, revoke", RunToken},
      {"fixity", "重算存档文件哈希 / re-hash every archived blob", RunFixity},
  };
  return verbs;
}

}  // namespace sealflow::cli
