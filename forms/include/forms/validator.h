// Copyright sealflow authors.
// Validation of form XML against its schema plus the rules a schema cannot express (the unified
// social credit code's check character, one transformation case per sub-industry applied for,
// ...). Every finding is returned in one pass. The findings are libxml2's: a valid form in the
// plain XML and schema subset is recognised by sealflow's own parser and checker first
// (forms/src/plain_schema.h), and everything else is parsed and validated by libxml2.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sealflow::forms {

struct Finding {
  int line = 0;         // 1-based; 0 when the finding has no position (e.g. empty input)
  int column = 0;       // 1-based where libxml2 knows it, else 0
  std::string element;  // local name of the element the finding is about ("" if none)
  std::string message;  // human-readable; Chinese first where the rule is ours, then English
};

struct ValidationReport {
  std::string form_type;       // root element name, e.g. "application" ("" if unparseable)
  std::string schema_version;  // the root's schemaVersion attribute
  std::vector<Finding> findings;
  bool ok() const { return findings.empty(); }
};

struct ValidatorOptions {
  // Folder holding <type>.xsd files. Default: $SEALFLOW_SCHEMA_DIR, else the source tree's
  // xml-schemas/ folder compiled into the binary.
  std::string schema_dir;
  // Inputs larger than this are refused with a single finding, before parsing. Default 16 MiB.
  std::size_t max_document_bytes = 16u << 20;
  // Whether a document goes first through sealflow's own parser and checker for the plain XML
  // and schema subset the forms use (forms/src/plain_schema.h), falling back to libxml2 for
  // everything it cannot decide. The reports are the same either way; false is for tests that
  // compare the two.
  bool plain_fast_path = true;
};

// Thread safety: a Validator may be used from many threads at once. Its schemas are immutable
// after Create(); the libxml2 parser and validation contexts and the plain parser's arena a call
// needs are taken from a pool inside the Validator (at most 16 kept idle, never kept after an
// input over 1 MiB or a parse that failed), each used by one call at a time. Inputs over 1 MiB
// go to libxml2 directly.
class Validator {
 public:
  // Loads and compiles every schema in options.schema_dir once. Throws FormsError(kSchemaLoad).
  static std::unique_ptr<Validator> Create(const ValidatorOptions& options = {});

  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;
  virtual ~Validator() = default;

  // Validates the document. Never throws for bad input: malformed XML, DTDs/external entities
  // (refused, never fetched: XXE), unknown root elements and oversize inputs are findings.
  virtual ValidationReport Validate(std::string_view xml) const = 0;

  // The form types this validator knows (the .xsd files found), sorted.
  virtual std::vector<std::string> FormTypes() const = 0;

 protected:
  Validator() = default;
};

// Formats findings as "line:column <element>: message", one per line.
std::string FormatFindings(const ValidationReport& report);

}  // namespace sealflow::forms
