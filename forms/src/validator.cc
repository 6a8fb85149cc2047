// Copyright sealflow authors.
#include "forms/validator.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <system_error>

#include "document_type.h"
#include "form_rules.h"
#include "forms/credit_code.h"
#include "forms/error.h"
#include "xml_util.h"

namespace sealflow::forms {
namespace {

std::string DefaultSchemaDir() {
  const char* env = std::getenv("SEALFLOW_SCHEMA_DIR");
  if (env != nullptr && *env != '\0') return env;
  return SEALFLOW_DEFAULT_SCHEMA_DIR;
}

xml::SchemaPtr CompileSchema(const std::filesystem::path& path) {
  xml::ErrorCollector errors;
  xml::ScopedErrorHandler scoped(&errors);
  xml::SchemaParserCtxtPtr parser(xmlSchemaNewParserCtxt(path.c_str()));
  if (parser == nullptr)
    throw FormsError(FormsErrorCode::kSchemaLoad, "cannot read " + path.string());
  xmlSchemaSetParserStructuredErrors(parser.get(), xml::CollectError, &errors);
  xml::SchemaPtr schema(xmlSchemaParse(parser.get()));
  if (schema == nullptr || !errors.findings.empty()) {
    std::string message = "cannot compile schema " + path.string();
    for (const Finding& finding : errors.findings) {
      message += "\n  " + std::to_string(finding.line) + ": " + finding.message;
    }
    throw FormsError(FormsErrorCode::kSchemaLoad, message);
  }
  return schema;
}

// libxml2's identity-constraint code adds this internal remark after a value already reported
// as invalid on the same element; it says nothing to the person filling in the form.
bool IsNoise(const Finding& finding) {
  return finding.message.find("No precomputed value available") != std::string::npos;
}

class ValidatorImpl final : public Validator {
 public:
  ValidatorImpl(std::map<std::string, xml::SchemaPtr> schemas, std::size_t max_bytes)
      : schemas_(std::move(schemas)), max_bytes_(max_bytes) {}

  ValidationReport Validate(std::string_view input) const override {
    ValidationReport report;
    xml::ParseResult parsed = xml::ParseUntrusted(input, max_bytes_);
    if (parsed.doc == nullptr) {
      report.findings = std::move(parsed.findings);
      return report;
    }
    const xmlNode* root = xmlDocGetRootElement(parsed.doc.get());
    report.form_type = xml::LocalName(root);
    report.schema_version = xml::Attribute(root, "schemaVersion");

    auto schema = schemas_.find(report.form_type);
    if (root->ns != nullptr || schema == schemas_.end()) {
      Finding finding;
      finding.line = xml::Line(root);
      finding.element = report.form_type;
      std::string known;
      for (const auto& [type, unused] : schemas_) known += (known.empty() ? "" : ", ") + type;
      finding.message = "未知的表单类型 <" + report.form_type +
                        ">（根元素须为无命名空间的已知表单：" + known +
                        "） / unknown form type: the root element must be one of " + known +
                        " without a namespace";
      report.findings.push_back(std::move(finding));
      return report;
    }

    xml::ErrorCollector errors;
    {
      xml::ScopedErrorHandler scoped(&errors);
      xml::SchemaValidCtxtPtr ctxt(xmlSchemaNewValidCtxt(schema->second.get()));
      if (ctxt == nullptr) throw std::bad_alloc();
      xmlSchemaSetValidStructuredErrors(ctxt.get(), xml::CollectError, &errors);
      // The return value is the last error's code, not a count: the findings come from the
      // collector. A negative value is libxml2's internal failure, reported if it said nothing.
      int rc = xmlSchemaValidateDoc(ctxt.get(), parsed.doc.get());
      if (rc < 0 && errors.findings.empty()) {
        Finding finding;
        finding.line = xml::Line(root);
        finding.message = "内部错误：无法完成模式校验 / internal error: schema validation failed";
        errors.findings.push_back(std::move(finding));
      }
    }
    for (Finding& finding : errors.findings) {
      if (!IsNoise(finding)) report.findings.push_back(std::move(finding));
    }
    CheckFormRules(report.form_type, root, report.findings);
    std::stable_sort(report.findings.begin(), report.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    return report;
  }

  std::vector<std::string> FormTypes() const override {
    std::vector<std::string> types;
    for (const auto& [type, unused] : schemas_) types.push_back(type);
    return types;
  }

 private:
  std::map<std::string, xml::SchemaPtr> schemas_;  // form type (the .xsd's stem) -> schema
  std::size_t max_bytes_;
};

}  // namespace

std::unique_ptr<Validator> Validator::Create(const ValidatorOptions& options) {
  xml::EnsureInitialized();
  std::filesystem::path dir = options.schema_dir.empty() ? DefaultSchemaDir() : options.schema_dir;
  // The schemas of the registered form types only: common.xsd and any stray file are not forms.
  std::map<std::string, xml::SchemaPtr> schemas;
  for (const DocumentType* type : DocumentTypes()) {
    schemas.emplace(type->form_type, CompileSchema(dir / (std::string(type->form_type) + ".xsd")));
  }
  return std::make_unique<ValidatorImpl>(std::move(schemas), options.max_document_bytes);
}

std::string FormatFindings(const ValidationReport& report) {
  std::ostringstream out;
  for (const Finding& finding : report.findings) {
    out << finding.line << ':' << finding.column;
    if (!finding.element.empty()) out << ' ' << finding.element;
    out << ": " << finding.message << '\n';
  }
  return out.str();
}

}  // namespace sealflow::forms
