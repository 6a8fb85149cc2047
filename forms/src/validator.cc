// Copyright sealflow authors.
#include "forms/validator.h"

#include <libxml/hash.h>
#include <libxml/schemasInternals.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "document_type.h"
#include "form_rules.h"
#include "forms/credit_code.h"
#include "forms/error.h"
#include "plain_schema.h"
#include "plain_xml.h"
#include "validator_internal.h"
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

// ---------------------------------------------------------------------------------------------
// The fast schema.
//
// libxml2 checks an xs:pattern with a backtracking interpreter at ~200 instructions per character,
// and common.xsd puts one on every free-text field: ShortTextType "\S(.*\S)?" and LongTextType
// "\S(.|\s)*". On a valid form that is about half of the schema validation. Each form type is
// therefore compiled three times: as written; a "fast" copy whose two types lack those patterns
// (and nothing else); and a "fast short" copy that also lacks the long maxLength facets (see
// kMinCodeCheckedMaxLength). A document takes a fast copy only when every text and attribute
// value in it already satisfies both patterns (non-empty, no blank first or last character, no
// line break), and the fast short copy only when also no value is as long as a maxLength that
// copy lacks (see ShapeOfValues), so the missing facets could not fail on any of its values; the
// fast verdict is accepted only when it finds nothing. Any finding — or a value the patterns
// might reject — sends the document through the schema as written, so the findings a user sees
// (text, order, line, column) are exactly libxml2's for the real schema.

bool IsEdgePattern(const xmlSchemaFacet* facet) {
  if (facet->type != XML_SCHEMA_FACET_PATTERN || facet->value == nullptr) return false;
  std::string_view value = reinterpret_cast<const char*>(facet->value);
  return value == xml::kShortTextPattern || value == xml::kLongTextPattern;
}

// An empty value fails such a type's minLength as well as its pattern; the fast copy keeps the
// minLength, so an empty value still gets a finding there and goes on to the real schema.
bool RequiresNonEmpty(const xmlSchemaType* type) {
  for (const xmlSchemaFacetLink* link = type->facetSet; link != nullptr; link = link->next) {
    const xmlSchemaFacet* facet = link->facet;
    if ((facet->type == XML_SCHEMA_FACET_MINLENGTH || facet->type == XML_SCHEMA_FACET_LENGTH) &&
        facet->value != nullptr && std::atoi(reinterpret_cast<const char*>(facet->value)) >= 1) {
      return true;
    }
  }
  return false;
}

// The maxLength facets of at least this many characters are left out of the fast short copy, and a
// document takes that copy only if no value in it is that long (see ShapeOfValues). libxml2
// counts a value's characters (xmlUTF8Strlen) for every length facet of every value; the count
// we need instead is one bound for the whole document, usually settled by a value's byte length.
// Shorter maxLength facets (codes, units) stay, or few documents could take that copy; a document
// with a longer value takes the fast copy, which has them all.
constexpr long kMinCodeCheckedMaxLength = 100;

// A facet value spelt as a plain decimal count (digits only, no leading zero), else -1: the
// stripped facets are those whose value we read exactly as libxml2 does.
long PlainCount(const xmlChar* value) {
  if (value == nullptr || *value == '\0' || (value[0] == '0' && value[1] != '\0')) return -1;
  long count = 0;
  for (const xmlChar* c = value; *c != '\0'; ++c) {
    if (*c < '0' || *c > '9' || count > 100000000) return -1;
    count = count * 10 + (*c - '0');
  }
  return count;
}

// What StripFastFacets is to take out of a fast copy (with_max_length: the long maxLength facets
// as well as the edge patterns), and what it took.
struct StrippedFacets {
  bool with_max_length = false;
  int patterns = 0;
  long max_length = 0;  // the smallest maxLength taken out; 0 if none
};

// xmlHashScanner over the schema's global type definitions (schemasInternals.h: the compiled
// components are public structures). Unlinks the edge patterns and the long maxLength facets from
// each type's facet set, the list libxml2 walks when it validates a value (a derived type's set
// holds the facets it inherits, too); the facets themselves stay on type->facets and are freed
// with the schema. maxLength is taken only from atomic types, whose length is a character count
// (or, for binary types, an octet count, which is smaller).
void StripFastFacets(void* payload, void* data, const xmlChar* /*name*/) {
  auto* type = static_cast<xmlSchemaType*>(payload);
  auto* stripped = static_cast<StrippedFacets*>(data);
  if (type == nullptr) return;
  bool non_empty = RequiresNonEmpty(type);
  bool atomic = (type->flags & XML_SCHEMAS_TYPE_VARIETY_ATOMIC) != 0;
  xmlSchemaFacetLink** link = &type->facetSet;
  while (*link != nullptr) {
    const xmlSchemaFacet* facet = (*link)->facet;
    bool take = false;
    if (non_empty && IsEdgePattern(facet)) {
      take = true;
      ++stripped->patterns;
    } else if (stripped->with_max_length && atomic && facet->type == XML_SCHEMA_FACET_MAXLENGTH) {
      long max_length = PlainCount(facet->value);
      if (max_length >= kMinCodeCheckedMaxLength) {
        take = true;
        if (stripped->max_length == 0 || max_length < stripped->max_length)
          stripped->max_length = max_length;
      }
    }
    if (take) {
      xmlSchemaFacetLink* dead = *link;
      *link = dead->next;
      xmlFree(dead);
    } else {
      link = &(*link)->next;
    }
  }
}

// Whether a value of length bytes in text has at most max_chars characters (0: no bound).
bool Within(const xmlChar* text, std::size_t length, std::size_t max_chars) {
  return max_chars == 0 || length <= max_chars || xml::CountCharacters(text, length) <= max_chars;
}

// Whether the text and CDATA nodes in the list starting at child (a simple value's pieces) hold
// at most max_chars characters together.
bool WithinCharacters(const xmlNode* child, std::size_t max_chars) {
  std::size_t chars = 0;
  for (; child != nullptr; child = child->next) {
    if ((child->type != XML_TEXT_NODE && child->type != XML_CDATA_SECTION_NODE) ||
        child->content == nullptr) {
      continue;
    }
    std::size_t bytes = std::strlen(reinterpret_cast<const char*>(child->content));
    chars += xml::CountCharacters(child->content, bytes);
    if (chars > max_chars) return false;
  }
  return true;
}

bool HasElementChild(const xmlNode* node) {
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_ELEMENT_NODE) return true;
  }
  return false;
}

// What the values of a document are like, for the fast copies: plain (every value non-empty, first
// and last characters not blank, no line break: see TrimmedOneLine), so no edge pattern could
// fail on any of them; and short (no value has more than a given number of characters), so no
// maxLength of that many characters or more could fail either.
struct ValueShape {
  bool plain = true;
  bool short_values = true;  // meaningful only if plain
};

// The shape of the values in the tree, for the bound max_chars (0: none). A simple value is the
// concatenation of an element's text children, so it is plain when each piece is; blank text
// between child elements is no value of a simple type (such an element fails its schema anyway).
// Attribute values are checked the same way. The walk follows the tree's own links (no
// recursion) and stops at the first value that is not plain.
ValueShape ShapeOfValues(const xmlNode* root, std::size_t max_chars) {
  ValueShape shape;
  shape.short_values = max_chars != 0;
  // Whether a piece is plain; a long one clears shape.short_values (and the bound, counted no
  // more).
  auto plain = [&shape, &max_chars](const xmlChar* text) {
    std::size_t length = std::strlen(reinterpret_cast<const char*>(text));
    if (!xml::TrimmedOneLine(text, length)) return false;
    if (!Within(text, length, max_chars)) {
      shape.short_values = false;
      max_chars = 0;
    }
    return true;
  };
  auto not_plain = [] { return ValueShape{false, false}; };
  const xmlNode* node = root;
  while (node != nullptr) {
    if (node->type == XML_ELEMENT_NODE) {
      for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
        if (attr->children == nullptr) return not_plain();  // an empty value
        if (const xmlNode* text = xml::OnlyText(attr->children)) {
          if (!plain(text->content)) return not_plain();
          continue;
        }
        for (const xmlNode* text = attr->children; text != nullptr; text = text->next) {
          if (text->type != XML_TEXT_NODE || text->content == nullptr || !plain(text->content))
            return not_plain();
        }
        if (max_chars != 0 && !WithinCharacters(attr->children, max_chars)) {
          shape.short_values = false;
          max_chars = 0;
        }
      }
      // A value in several pieces (around a comment, say): the pieces together are the value.
      if (max_chars != 0 && node->children != nullptr && xml::OnlyText(node->children) == nullptr &&
          !WithinCharacters(node->children, max_chars)) {
        shape.short_values = false;
        max_chars = 0;
      }
    } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content == nullptr || !plain(node->content)) {
        if (!(xml::BlankOnly(node->content) && node->parent != nullptr &&
              HasElementChild(node->parent))) {
          return not_plain();
        }
      }
    }
    // Next node in document order.
    if (node->type == XML_ELEMENT_NODE && node->children != nullptr) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node != root && node->next == nullptr) node = node->parent;
    if (node == nullptr || node == root) break;
    node = node->next;
  }
  return shape;
}

// ---------------------------------------------------------------------------------------------
// Identity constraints checked in code.
//
// libxml2 evaluates xs:key/xs:unique/xs:keyref with a streaming XPath matcher that runs on every
// element of the scope and keeps a node table per constraint: on diagnostic-report (five
// constraints) that is a quarter of a clean validation. The constraints listed in
// kCodeCheckedConstraints are therefore left out of the fast copy and checked here instead, on
// the parsed tree, before the fast copy runs. The check is one-sided: it only decides that the
// constraint certainly holds. A duplicate, a dangling reference, a missing or unusual value (any
// blank, an empty value, more than one text node) sends the document through the schema as
// written, so every identity finding a user sees is libxml2's own.
//
// Equality is byte equality. That is the schema's equality only for whitespace-preserving
// string types; the constrained values below are all xs:string restrictions (ItemCodeType,
// SceneCodeType, EvidenceIdType, SubIndustryType, AreaType, MaterialKindType), and a value with a
// blank in it is not compared here at all, so no whitespace normalisation can make two different
// byte strings equal. Each entry is covered by tests/forms/validator_identity_test.cc.

// Where a code-checked constraint is declared: its form type, its name, and the path from the
// form's root element to the element whose declaration carries it ("" for the root itself). The
// selector and field are read from the schema; a constraint whose declaration does not match
// this table, or whose paths are more than child steps, stays in the fast copy.
struct CodeCheckedConstraint {
  std::string_view form_type;
  std::string_view name;
  std::string_view scope;
};
constexpr CodeCheckedConstraint kCodeCheckedConstraints[] = {
    {"diagnostic-report", "evidenceId", ""},
    {"diagnostic-report", "evidenceRefExists", ""},
    {"diagnostic-report", "uniqueDemandScene", "demands"},
    {"diagnostic-report", "uniqueItemCode", "assessment/items"},
    {"diagnostic-report", "uniqueSceneCode", "assessment/scenes"},
    {"application", "uniqueSubIndustry", "subIndustries"},
    {"application", "uniqueArea", "capabilities"},
    {"contract", "uniqueScene", "scope"},
    {"progress-report", "uniqueScene", "scenes"},
    {"acceptance-application", "uniqueMaterial", "materials"},
};

enum class ConstraintKind { kKey, kUnique, kKeyref };

struct IdentityCheck {
  ConstraintKind kind = ConstraintKind::kUnique;
  std::string name;
  std::vector<std::string> scope;     // child steps from the root to the declaring element
  std::vector<std::string> selector;  // child steps from there to the selected elements
  std::string field_attribute;        // the field's attribute; empty for "." (the text)
  std::size_t key = 0;                // kKeyref: index of the referred key in the same list
};

std::vector<std::string> SplitSteps(std::string_view path) {
  std::vector<std::string> steps;
  while (!path.empty()) {
    std::size_t slash = path.find('/');
    steps.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return steps;
}

// Reads one xs:key/xs:unique/xs:keyref declared as the table says; false if it is anything else.
bool ReadConstraint(const xmlNode* node, std::string_view form_type, std::string_view scope,
                    IdentityCheck& check) {
  const xmlNode* element = node->parent;
  if (!xml::IsXsd(element, "element")) return false;
  std::vector<std::string> scope_steps = SplitSteps(scope);
  std::string element_name = xml::Attribute(element, "name");
  if (scope_steps.empty()) {
    // The root: a global declaration named after the form type.
    if (element_name != form_type || !xml::IsXsd(element->parent, "schema")) return false;
  } else if (element_name != scope_steps.back() || xml::IsXsd(element->parent, "schema")) {
    return false;
  }
  for (const std::string& step : scope_steps) {
    if (!xml::IsPlainName(step)) return false;
  }
  const xmlNode* selector = nullptr;
  const xmlNode* field = nullptr;
  int fields = 0;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (xml::IsXsd(child, "selector")) selector = child;
    if (xml::IsXsd(child, "field")) {
      field = child;
      ++fields;
    }
  }
  if (selector == nullptr || fields != 1) return false;
  check.selector = SplitSteps(xml::Attribute(selector, "xpath"));
  if (check.selector.empty()) return false;
  for (const std::string& step : check.selector) {
    if (!xml::IsPlainName(step)) return false;
  }
  std::string field_path = xml::Attribute(field, "xpath");
  if (field_path == ".") {
    check.field_attribute.clear();
  } else if (field_path.size() > 1 && field_path[0] == '@' &&
             xml::IsPlainName(std::string_view(field_path).substr(1))) {
    check.field_attribute = field_path.substr(1);
  } else {
    return false;
  }
  check.name = xml::Attribute(node, "name");
  check.scope = std::move(scope_steps);
  check.kind = xml::IsElement(node, "key")      ? ConstraintKind::kKey
               : xml::IsElement(node, "unique") ? ConstraintKind::kUnique
                                                : ConstraintKind::kKeyref;
  return true;
}

// Every xs:key/xs:unique/xs:keyref element of the schema document, in document order.
void CollectConstraintElements(xmlNode* node, std::vector<xmlNode*>& out) {
  for (xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (xml::IsXsd(child, "key") || xml::IsXsd(child, "unique") || xml::IsXsd(child, "keyref")) {
      out.push_back(child);
    } else if (child->type == XML_ELEMENT_NODE) {
      CollectConstraintElements(child, out);
    }
  }
}

// Removes from schema_doc the constraints of form_type that the table lists and returns their
// checks. All or nothing: if any listed constraint is missing or unlike its entry, or a keyref
// would lose its key, nothing is removed.
std::vector<IdentityCheck> TakeCodeCheckedConstraints(std::string_view form_type,
                                                      xmlDoc* schema_doc) {
  std::vector<xmlNode*> elements;
  xmlNode* root = xmlDocGetRootElement(schema_doc);
  if (root != nullptr) CollectConstraintElements(root, elements);
  std::vector<IdentityCheck> checks;
  std::vector<xmlNode*> taken;
  std::vector<std::string> refers;
  for (const CodeCheckedConstraint& entry : kCodeCheckedConstraints) {
    if (entry.form_type != form_type) continue;
    xmlNode* found = nullptr;
    for (xmlNode* element : elements) {
      if (xml::Attribute(element, "name") == entry.name) found = element;
    }
    IdentityCheck check;
    if (found == nullptr || !ReadConstraint(found, form_type, entry.scope, check)) return {};
    refers.push_back(check.kind == ConstraintKind::kKeyref ? xml::Attribute(found, "refer") : "");
    checks.push_back(std::move(check));
    taken.push_back(found);
  }
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (checks[i].kind != ConstraintKind::kKeyref) continue;
    std::string refer = refers[i];
    if (auto colon = refer.find(':'); colon != std::string::npos) refer = refer.substr(colon + 1);
    bool resolved = false;
    for (std::size_t k = 0; k < checks.size(); ++k) {
      if (checks[k].kind == ConstraintKind::kKey && checks[k].name == refer &&
          checks[k].scope == checks[i].scope) {
        checks[i].key = k;
        resolved = true;
      }
    }
    if (!resolved) return {};
  }
  // A keyref left in the schema must keep its key.
  for (const xmlNode* element : elements) {
    if (!xml::IsXsd(element, "keyref") ||
        std::find(taken.begin(), taken.end(), element) != taken.end()) {
      continue;
    }
    std::string refer = xml::Attribute(element, "refer");
    if (auto colon = refer.find(':'); colon != std::string::npos) refer = refer.substr(colon + 1);
    for (const IdentityCheck& check : checks) {
      if (check.name == refer) return {};
    }
  }
  for (xmlNode* element : taken) {
    xmlUnlinkNode(element);
    xmlFreeNode(element);
  }
  return checks;
}

// The one text value of node (an element or attribute), when it is a single non-empty text node
// without any blank; otherwise null (the check then defers to libxml2).
const xmlChar* PlainValue(const xmlNode* node) {
  const xmlNode* text = node->children;
  if (text == nullptr || text->next != nullptr || text->type != XML_TEXT_NODE) return nullptr;
  const xmlChar* value = text->content;
  if (value == nullptr || *value == '\0') return nullptr;
  for (const xmlChar* c = value; *c != '\0'; ++c) {
    if (xml::IsBlank(*c)) return nullptr;
  }
  return value;
}

const xmlAttr* NoNsAttribute(const xmlNode* node, std::string_view name) {
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns == nullptr && attr->name != nullptr &&
        std::string_view(reinterpret_cast<const char*>(attr->name)) == name) {
      return attr;
    }
  }
  return nullptr;
}

bool IsPlainElement(const xmlNode* node, const std::string& name) {
  return node->type == XML_ELEMENT_NODE && node->ns == nullptr && node->name != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->name), name.c_str()) == 0;
}

// Calls visit(node) for each element reached from node by the child steps [step, end).
template <typename Visit>
bool ForEachOnPath(const xmlNode* node, const std::vector<std::string>& steps, std::size_t step,
                   Visit& visit) {
  if (step == steps.size()) return visit(node);
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (IsPlainElement(child, steps[step]) && !ForEachOnPath(child, steps, step + 1, visit))
      return false;
  }
  return true;
}

// Collects the field values the check selects below scope; false when one is missing where the
// constraint needs it, or is not a plain value.
bool SelectValues(const IdentityCheck& check, const xmlNode* scope,
                  std::vector<std::string_view>& values) {
  values.clear();
  auto visit = [&](const xmlNode* selected) {
    const xmlNode* holder = selected;
    if (!check.field_attribute.empty()) {
      const xmlAttr* attr = NoNsAttribute(selected, check.field_attribute);
      if (attr == nullptr) return check.kind == ConstraintKind::kUnique;  // absent: not compared
      holder = reinterpret_cast<const xmlNode*>(attr);
    }
    const xmlChar* value = PlainValue(holder);
    if (value == nullptr) return false;
    values.emplace_back(reinterpret_cast<const char*>(value));
    return true;
  };
  return ForEachOnPath(scope, check.selector, 0, visit);
}

// True when every check certainly holds on the document; values is scratch space, one vector
// per check.
bool ConstraintsHold(const std::vector<IdentityCheck>& checks, const xmlNode* root,
                     std::vector<std::vector<std::string_view>>& values) {
  if (values.size() < checks.size()) values.resize(checks.size());
  // Keys and uniques first, so a keyref finds its key's values sorted.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const IdentityCheck& check = checks[i];
      bool keyref = check.kind == ConstraintKind::kKeyref;
      if (keyref != (pass == 1)) continue;
      auto visit_scope = [&](const xmlNode* scope) {
        if (keyref) {
          // The key's scope is the same element: recompute its values for this scope.
          std::vector<std::string_view>& keys = values[check.key];
          if (!SelectValues(checks[check.key], scope, keys)) return false;
          std::sort(keys.begin(), keys.end());
          if (!SelectValues(check, scope, values[i])) return false;
          for (std::string_view value : values[i]) {
            if (!std::binary_search(keys.begin(), keys.end(), value)) return false;
          }
          return true;
        }
        std::vector<std::string_view>& found = values[i];
        if (!SelectValues(check, scope, found)) return false;
        std::sort(found.begin(), found.end());
        return std::adjacent_find(found.begin(), found.end()) == found.end();
      };
      if (!ForEachOnPath(root, check.scope, 0, visit_scope)) return false;
    }
  }
  return true;
}

// libxml2's identity-constraint code adds this internal remark after a value already reported
// as invalid on the same element; it says nothing to the person filling in the form.
bool IsNoise(const Finding& finding) {
  return finding.message.find("No precomputed value available") != std::string::npos;
}

struct FormSchema {
  xml::SchemaPtr full;  // as written
  // The fast copies' source document, kept for as long as the schemas compiled from it.
  xml::DocPtr fast_source;
  // Without the edge patterns and the code-checked identity constraints; null when the schema
  // has neither.
  xml::SchemaPtr fast;
  // The same, also without the long maxLength facets; null when the schema has none.
  xml::SchemaPtr fast_short;
  // The copies lack edge patterns: then only documents whose values are plain use them.
  bool fast_lacks_patterns = false;
  // The smallest maxLength fast_short lacks: only documents with no longer value use it.
  std::size_t fast_short_max_chars = 0;
  std::vector<IdentityCheck> in_code;  // the constraints the fast copies lack
  // The schema as a plain::FormModel (see plain_schema.h), with in_code for its identity
  // constraints; null when the schema is outside that subset.
  plain::FormModelPtr model;
  std::string model_refused;  // why model is null
};

// What one validation needs besides the document: a parser context and a schema validation
// context per schema used. Building them costs more than a small form's parse; they are kept
// in a pool and reused, each by one thread at a time.
constexpr std::size_t kMaxPooledValues = 1024;

struct Workspace {
  xml::ParserCtxtPtr parser;
  std::map<const xmlSchema*, xml::SchemaValidCtxtPtr> valid;
  std::vector<std::vector<std::string_view>> values;  // scratch for ConstraintsHold
  plain::Arena arena;                                 // the plain parser's tree

  // ConstraintsHold with this workspace's scratch, which then goes back to the pool without any
  // large buffer a large document made.
  bool Hold(const std::vector<IdentityCheck>& checks, const xmlNode* root) {
    bool hold = ConstraintsHold(checks, root, values);
    for (std::vector<std::string_view>& scratch : values) {
      if (scratch.capacity() > kMaxPooledValues) std::vector<std::string_view>().swap(scratch);
    }
    return hold;
  }

  xmlSchemaValidCtxt* Valid(const xmlSchema* schema) {
    xml::SchemaValidCtxtPtr& ctxt = valid[schema];
    if (ctxt == nullptr) {
      ctxt.reset(xmlSchemaNewValidCtxt(const_cast<xmlSchema*>(schema)));
      if (ctxt == nullptr) throw std::bad_alloc();
    }
    return ctxt.get();
  }
};

// At most kMaxIdle idle workspaces are kept (a service validates on a bounded thread pool);
// more concurrent validations get workspaces that are freed afterwards. Large inputs never
// return theirs, so no context keeps the buffers a large document made it grow.
class WorkspacePool {
 public:
  static constexpr std::size_t kMaxIdle = 16;
  static constexpr std::size_t kMaxPooledInput = 1u << 20;

  std::unique_ptr<Workspace> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<Workspace> workspace = std::move(idle_.back());
        idle_.pop_back();
        return workspace;
      }
    }
    auto workspace = std::make_unique<Workspace>();
    workspace->parser = xml::NewUntrustedParser();
    return workspace;
  }

  void Release(std::unique_ptr<Workspace> workspace) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(workspace));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Workspace>> idle_;
};

// Borrows a workspace for one validation; returns it unless Discard() was called.
class WorkspaceLease {
 public:
  WorkspaceLease(WorkspacePool& pool, bool keep)
      : pool_(pool), workspace_(pool.Acquire()), keep_(keep) {}
  ~WorkspaceLease() {
    if (keep_ && xml::ParserReusable(workspace_->parser.get()))
      pool_.Release(std::move(workspace_));
  }
  WorkspaceLease(const WorkspaceLease&) = delete;
  WorkspaceLease& operator=(const WorkspaceLease&) = delete;

  Workspace* operator->() const { return workspace_.get(); }
  Workspace& operator*() const { return *workspace_; }
  void Discard() { keep_ = false; }

 private:
  WorkspacePool& pool_;
  std::unique_ptr<Workspace> workspace_;
  bool keep_;
};

// Validates doc with ctxt (its schema), collecting every finding; rc is libxml2's result.
int RunSchema(xmlSchemaValidCtxt* ctxt, xmlDoc* doc, xml::ErrorCollector& errors) {
  xml::ScopedErrorHandler scoped(&errors);
  xmlSchemaSetValidStructuredErrors(ctxt, xml::CollectError, &errors);
  // The return value is the last error's code, not a count: the findings come from the
  // collector.
  int rc = xmlSchemaValidateDoc(ctxt, doc);
  xmlSchemaSetValidStructuredErrors(ctxt, nullptr, nullptr);
  return rc;
}

// The schema as written and its fast copy: the source read, the code-checked constraints taken
// out, compiled (includes resolve against the file's own address), the edge patterns unlinked.
FormSchema CompileFormSchema(std::string_view form_type, const std::filesystem::path& path,
                             bool plain_models) {
  FormSchema form;
  form.full = CompileSchema(path);
  {
    xml::ErrorCollector errors;
    xml::ScopedErrorHandler scoped(&errors);
    form.fast_source.reset(xmlReadFile(path.c_str(), nullptr, XML_PARSE_NONET));
  }
  if (form.fast_source == nullptr)
    throw FormsError(FormsErrorCode::kSchemaLoad, "cannot read " + path.string());
  form.in_code = TakeCodeCheckedConstraints(form_type, form.fast_source.get());
  if (plain_models) {
    // Compiled from the source without the code-checked constraints; a schema with others is
    // outside the subset.
    form.model =
        plain::CompileFormModel(form.fast_source.get(), path, form_type, &form.model_refused);
  }
  auto compile_fast = [&](StrippedFacets& stripped) {
    xml::ErrorCollector errors;
    xml::ScopedErrorHandler scoped(&errors);
    xml::SchemaParserCtxtPtr parser(xmlSchemaNewDocParserCtxt(form.fast_source.get()));
    if (parser == nullptr) throw std::bad_alloc();
    xmlSchemaSetParserStructuredErrors(parser.get(), xml::CollectError, &errors);
    xml::SchemaPtr schema(xmlSchemaParse(parser.get()));
    if (schema == nullptr || !errors.findings.empty()) {
      throw FormsError(FormsErrorCode::kSchemaLoad,
                       "cannot compile the fast copy of schema " + path.string());
    }
    if (schema->typeDecl != nullptr) xmlHashScan(schema->typeDecl, StripFastFacets, &stripped);
    return schema;
  };
  StrippedFacets stripped;
  form.fast = compile_fast(stripped);
  form.fast_lacks_patterns = stripped.patterns > 0;
  StrippedFacets stripped_short;
  stripped_short.with_max_length = true;
  form.fast_short = compile_fast(stripped_short);
  form.fast_short_max_chars = static_cast<std::size_t>(stripped_short.max_length);
  if (form.fast_short_max_chars == 0) form.fast_short.reset();
  if (!form.fast_lacks_patterns && form.in_code.empty()) form.fast.reset();
  if (form.fast == nullptr && form.fast_short == nullptr) form.fast_source.reset();
  return form;
}

class ValidatorImpl final : public Validator {
 public:
  ValidatorImpl(std::map<std::string, FormSchema> schemas, std::size_t max_bytes)
      : schemas_(std::move(schemas)), max_bytes_(max_bytes) {}

  ValidationReport Validate(std::string_view input) const override { return Run(input, nullptr); }

  // Validate(), then, if the form is valid, use(root) while the parsed document is alive.
  ValidationReport Run(std::string_view input, const ValidDocumentUse* use) const {
    ValidationReport report;
    // Declared before the document: the document shares the parser's dictionary, so it must be
    // freed before the workspace can go back to the pool.
    WorkspaceLease workspace(pool_, input.size() <= WorkspacePool::kMaxPooledInput);
    if (use == nullptr && input.size() <= WorkspacePool::kMaxPooledInput &&
        input.size() <= max_bytes_ && PlainValid(input, *workspace, report)) {
      return report;
    }
    xml::ParseResult parsed = xml::ParseUntrusted(input, max_bytes_, workspace->parser.get());
    if (parsed.doc == nullptr) {
      workspace.Discard();  // a halted or failed parser is not reused
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

    bool schema_valid = false;
    const FormSchema& form = schema->second;
    // The fast copy to try first, if any: the one without maxLength facets when no value is that
    // long, else the one with them.
    const xmlSchema* fast = nullptr;
    if (form.fast != nullptr || form.fast_short != nullptr) {
      ValueShape shape;
      if (form.fast_lacks_patterns || form.fast_short != nullptr)
        shape = ShapeOfValues(root, form.fast_short_max_chars);
      if (shape.plain || !form.fast_lacks_patterns) {
        fast = form.fast_short != nullptr && shape.plain && shape.short_values
                   ? form.fast_short.get()
                   : form.fast.get();
      }
    }
    bool use_fast = fast != nullptr;
    if (use_fast && !form.in_code.empty()) use_fast = workspace->Hold(form.in_code, root);
    if (use_fast) {
      xml::ErrorCollector errors;
      int rc = RunSchema(workspace->Valid(fast), parsed.doc.get(), errors);
      schema_valid = rc == 0 && errors.findings.empty();
    }
    if (!schema_valid) {
      xml::ErrorCollector errors;
      int rc = RunSchema(workspace->Valid(form.full.get()), parsed.doc.get(), errors);
      // A negative value is libxml2's internal failure, reported if it said nothing.
      if (rc < 0 && errors.findings.empty()) {
        Finding finding;
        finding.line = xml::Line(root);
        finding.message = "内部错误：无法完成模式校验 / internal error: schema validation failed";
        errors.findings.push_back(std::move(finding));
      }
      for (Finding& finding : errors.findings) {
        if (!IsNoise(finding)) report.findings.push_back(std::move(finding));
      }
    }
    CheckFormRules(report.form_type, root, report.findings);
    std::stable_sort(report.findings.begin(), report.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.line < b.line; });
    if (use != nullptr && report.ok()) (*use)(root);
    return report;
  }

  // The fast path (plain_xml.h, plain_schema.h): true, with report filled in, when the plain
  // parser reads input and it certainly satisfies its schema, the code-checked constraints and
  // the form rules. Otherwise (outside the subset, or any doubt or finding) false, and the caller
  // validates with libxml2, which makes every finding.
  bool PlainValid(std::string_view input, Workspace& workspace, ValidationReport& report) const {
    // The tree lives until this returns; an idle workspace keeps only the arena's first block.
    struct ResetAfter {
      plain::Arena& arena;
      ~ResetAfter() { arena.Reset(); }
    } reset_after{workspace.arena};
    const xmlNode* root = plain::Parse(input, workspace.arena);
    if (root == nullptr) return false;
    auto schema = schemas_.find(xml::LocalName(root));
    if (schema == schemas_.end() || schema->second.model == nullptr) return false;
    const FormSchema& form = schema->second;
    if (!plain::Conforms(*form.model, root)) return false;
    if (!form.in_code.empty() && !workspace.Hold(form.in_code, root)) return false;
    std::vector<Finding> findings;
    CheckFormRules(schema->first, root, findings);
    if (!findings.empty()) return false;
    report.form_type = schema->first;
    report.schema_version = xml::Attribute(root, "schemaVersion");
    return true;
  }

  std::map<std::string, std::string> PlainModelRefusals() const {
    std::map<std::string, std::string> refusals;
    for (const auto& [type, form] : schemas_) {
      refusals[type] = form.model != nullptr        ? ""
                       : form.model_refused.empty() ? "off"
                                                    : form.model_refused;
    }
    return refusals;
  }

  std::vector<std::string> FormTypes() const override {
    std::vector<std::string> types;
    for (const auto& [type, unused] : schemas_) types.push_back(type);
    return types;
  }

 private:
  std::map<std::string, FormSchema> schemas_;  // form type (the .xsd's stem) -> schema
  std::size_t max_bytes_;
  mutable WorkspacePool pool_;
};

}  // namespace

std::unique_ptr<Validator> Validator::Create(const ValidatorOptions& options) {
  xml::EnsureInitialized();
  std::filesystem::path dir = options.schema_dir.empty() ? DefaultSchemaDir() : options.schema_dir;
  // The schemas of the registered form types only: common.xsd and any stray file are not forms.
  std::map<std::string, FormSchema> schemas;
  for (const DocumentType* type : DocumentTypes()) {
    std::filesystem::path path = dir / (std::string(type->form_type) + ".xsd");
    schemas.emplace(type->form_type,
                    CompileFormSchema(type->form_type, path, options.plain_fast_path));
  }
  return std::make_unique<ValidatorImpl>(std::move(schemas), options.max_document_bytes);
}

ValidationReport ValidateThen(const Validator& validator, std::string_view xml,
                              const ValidDocumentUse& use) {
  if (const auto* impl = dynamic_cast<const ValidatorImpl*>(&validator))
    return impl->Run(xml, &use);
  // Not ours (Create() makes every Validator, so only a test double could be here): parse again.
  ValidationReport report = validator.Validate(xml);
  if (!report.ok()) return report;
  xml::ParseResult parsed = xml::ParseUntrusted(xml, ValidatorOptions().max_document_bytes);
  if (parsed.doc == nullptr) {
    report.findings = std::move(parsed.findings);
    return report;
  }
  use(xmlDocGetRootElement(parsed.doc.get()));
  return report;
}

std::map<std::string, std::string> PlainModelRefusals(const Validator& validator) {
  if (const auto* impl = dynamic_cast<const ValidatorImpl*>(&validator))
    return impl->PlainModelRefusals();
  return {};
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
