// Copyright sealflow authors.
#include "plain_schema.h"

#include <libxml/parser.h>
#include <libxml/xmlregexp.h>

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "xml_util.h"

namespace sealflow::forms::plain {
namespace {

struct RegexpDeleter {
  void operator()(xmlRegexp* regexp) const { xmlRegFreeRegexp(regexp); }
};
using RegexpPtr = std::unique_ptr<xmlRegexp, RegexpDeleter>;

// A non-negative decimal number as its digits: the integer part without leading zeros and the
// fraction without trailing zeros ("007.50" is {"7", "5"}), so that equal numbers have equal
// spellings and a longer integer part is a larger number.
struct Number {
  std::string integer;
  std::string fraction;
};

struct NumberView {
  std::string_view integer, fraction;
  std::size_t raw_digits = 0;    // every digit as written: at least totalDigits' count
  std::size_t raw_fraction = 0;  // every fraction digit as written: at least fractionDigits'
};

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// libxml2 keeps a decimal's digits in three words of eight and refuses a longer one; this stays
// well below that.
constexpr std::size_t kMaxDigits = 18;

// Reads digits ('.' digits)? — no sign, no blank, a digit on each side of a point; false for
// anything else, including values a schema may accept (the caller then defers to libxml2).
bool ReadNumber(std::string_view text, bool point_allowed, NumberView& out) {
  std::size_t point = text.find('.');
  std::string_view integer = text.substr(0, point);
  std::string_view fraction;
  if (point != std::string_view::npos) {
    if (!point_allowed) return false;
    fraction = text.substr(point + 1);
    if (!IsDigits(fraction)) return false;
  }
  if (!IsDigits(integer)) return false;
  if (integer.size() + fraction.size() > kMaxDigits) return false;
  out.raw_digits = integer.size() + fraction.size();
  out.raw_fraction = fraction.size();
  while (!integer.empty() && integer.front() == '0') integer.remove_prefix(1);
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  out.integer = integer;
  out.fraction = fraction;
  return true;
}

int Compare(const NumberView& a, const Number& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() < b.integer.size() ? -1 : 1;
  if (int c = a.integer.compare(b.integer); c != 0) return c;
  return a.fraction.compare(b.fraction);
}

// YYYY-MM-DD exactly (year 0001-9999, no time zone): a real calendar date.
bool IsPlainDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !IsDigits(text.substr(0, 4)) ||
      !IsDigits(text.substr(5, 2)) || !IsDigits(text.substr(8, 2))) {
    return false;
  }
  int year = 0;
  for (char c : text.substr(0, 4)) year = year * 10 + (c - '0');
  const unsigned month = static_cast<unsigned>((text[5] - '0') * 10 + (text[6] - '0'));
  const unsigned day = static_cast<unsigned>((text[8] - '0') * 10 + (text[9] - '0'));
  // XML Schema 1.0 has no year zero; std::chrono's proleptic calendar does.
  return year != 0 && std::chrono::year_month_day{std::chrono::year{year},
                                                  std::chrono::month{month}, std::chrono::day{day}}
                          .ok();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The compiled model.

struct SimpleType {
  enum class Kind { kString, kDecimal, kInteger, kDate, kGYear, kBoolean };
  Kind kind = Kind::kString;
  bool positive = false;             // xs:positiveInteger: above zero
  const SimpleType* base = nullptr;  // the type this one restricts (its facets hold too)
  std::vector<std::string> enumeration;
  // One derivation step's patterns, of which a value must match one. The two free-text patterns
  // of common.xsd are checked in code (xml::kShortTextPattern, xml::kLongTextPattern).
  enum class Edge { kRegexp, kTrimmedOneLine, kStartsNonBlank };
  struct Pattern {
    Edge edge = Edge::kRegexp;
    RegexpPtr regexp;
  };
  std::vector<Pattern> patterns;
  long length = -1, min_length = -1, max_length = -1;  // characters
  std::optional<Number> min_inclusive, max_inclusive, min_exclusive, max_exclusive;
  long total_digits = -1, fraction_digits = -1;
};

struct ElementDecl;

struct AttributeDecl {
  std::string name;
  const SimpleType* type = nullptr;
  bool required = false;
};

struct Particle {
  const ElementDecl* element = nullptr;
  long min = 1;
  long max = 1;  // -1: unbounded
};

struct ComplexType {
  enum class Content { kEmpty, kElements, kSimple };
  Content content = Content::kEmpty;
  std::vector<Particle> sequence;      // kElements
  const SimpleType* simple = nullptr;  // kSimple
  std::vector<AttributeDecl> attributes;
  std::size_t required = 0;
};

struct ElementDecl {
  std::string name;
  const SimpleType* simple = nullptr;  // exactly one of these
  const ComplexType* complex = nullptr;
};

class FormModel {
 public:
  const ElementDecl* root = nullptr;
  std::deque<SimpleType> simple_types;
  std::deque<ComplexType> complex_types;
  std::deque<ElementDecl> elements;
};

void FormModelDeleter::operator()(FormModel* model) const { delete model; }

namespace {

// ---------------------------------------------------------------------------------------------
// Checking values.

// text is a text node's content, or "" (NUL-terminated, as xmlRegexpExec reads it).
bool ValueConforms(const SimpleType& type, const xmlChar* text) {
  std::string_view value = reinterpret_cast<const char*>(text);
  using Kind = SimpleType::Kind;
  NumberView number;
  switch (type.kind) {
    case Kind::kString:
      break;
    case Kind::kDecimal:
      if (!ReadNumber(value, true, number)) return false;
      break;
    case Kind::kInteger:
      if (!ReadNumber(value, false, number)) return false;
      break;
    case Kind::kDate:
      if (!IsPlainDate(value)) return false;
      break;
    case Kind::kGYear:
      // Four digits, year 0001-9999 (no sign, no time zone).
      if (value.size() != 4 || !ReadNumber(value, false, number) || number.integer.empty())
        return false;
      break;
    case Kind::kBoolean:
      if (value != "true" && value != "false" && value != "1" && value != "0") return false;
      break;
  }
  std::size_t characters = std::string_view::npos;  // counted when a length facet needs it
  for (const SimpleType* step = &type; step != nullptr; step = step->base) {
    if (step->positive && number.integer.empty()) return false;
    if (!step->enumeration.empty()) {
      bool listed = false;
      for (const std::string& option : step->enumeration) listed = listed || option == value;
      if (!listed) return false;
    }
    if (!step->patterns.empty()) {
      bool matched = false;
      for (const SimpleType::Pattern& pattern : step->patterns) {
        switch (pattern.edge) {
          case SimpleType::Edge::kRegexp:
            matched = xmlRegexpExec(pattern.regexp.get(), text) == 1;
            break;
          case SimpleType::Edge::kTrimmedOneLine:
            matched = xml::TrimmedOneLine(text, value.size());
            break;
          case SimpleType::Edge::kStartsNonBlank:
            matched = xml::StartsNonBlank(text, value.size());
            break;
        }
        if (matched) break;
      }
      if (!matched) return false;
    }
    if (step->length >= 0 || step->min_length >= 0 || step->max_length >= 0) {
      // A character is one to four bytes, so the byte count often settles it.
      auto bytes = static_cast<long>(value.size());
      bool settled = step->length < 0 && (step->min_length < 0 || bytes / 4 >= step->min_length) &&
                     (step->max_length < 0 || bytes <= step->max_length);
      if (!settled) {
        if (characters == std::string_view::npos) {
          characters = xml::CountCharacters(text, value.size());
        }
        auto count = static_cast<long>(characters);
        if ((step->length >= 0 && count != step->length) ||
            (step->min_length >= 0 && count < step->min_length) ||
            (step->max_length >= 0 && count > step->max_length)) {
          return false;
        }
      }
    }
    if ((step->min_inclusive && Compare(number, *step->min_inclusive) < 0) ||
        (step->max_inclusive && Compare(number, *step->max_inclusive) > 0) ||
        (step->min_exclusive && Compare(number, *step->min_exclusive) <= 0) ||
        (step->max_exclusive && Compare(number, *step->max_exclusive) >= 0)) {
      return false;
    }
    if ((step->total_digits >= 0 && static_cast<long>(number.raw_digits) > step->total_digits) ||
        (step->fraction_digits >= 0 &&
         static_cast<long>(number.raw_fraction) > step->fraction_digits)) {
      return false;
    }
  }
  return true;
}

// The simple value held by the children of an element or attribute: "" for none, the one text
// node's content, or null for anything else (an element among them).
const xmlChar* SimpleValue(const xmlNode* children) {
  if (children == nullptr) return reinterpret_cast<const xmlChar*>("");
  const xmlNode* text = xml::OnlyText(children);
  return text != nullptr ? text->content : nullptr;
}

bool IsBlankText(const xmlNode* node) {
  return node->type == XML_TEXT_NODE && xml::BlankOnly(node->content);
}

bool ElementConforms(const ElementDecl& decl, const xmlNode* node);

bool AttributesConform(const ComplexType& type, const xmlNode* node) {
  std::size_t required = 0;
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns != nullptr) return false;
    const AttributeDecl* decl = nullptr;
    for (const AttributeDecl& candidate : type.attributes) {
      if (candidate.name == reinterpret_cast<const char*>(attr->name)) {
        decl = &candidate;
        break;
      }
    }
    if (decl == nullptr) return false;
    const xmlChar* value = SimpleValue(attr->children);
    if (value == nullptr || !ValueConforms(*decl->type, value)) return false;
    if (decl->required) ++required;
  }
  return required == type.required;
}

bool ContentConforms(const ComplexType& type, const xmlNode* node) {
  using Content = ComplexType::Content;
  if (type.content == Content::kEmpty) return node->children == nullptr;
  if (type.content == Content::kSimple) {
    const xmlChar* value = SimpleValue(node->children);
    return value != nullptr && ValueConforms(*type.simple, value);
  }
  // A sequence of element particles, matched greedily: each takes as many elements with its name
  // as it may before the next particle starts. The schemas are deterministic (libxml2 refuses one
  // that is not), and a greedy match found is a match.
  std::size_t particle = 0;
  long count = 0;
  const std::vector<Particle>& sequence = type.sequence;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) {
      if (IsBlankText(child)) continue;
      return false;
    }
    for (;;) {
      if (particle == sequence.size()) return false;
      const Particle& current = sequence[particle];
      if ((current.max < 0 || count < current.max) &&
          current.element->name == reinterpret_cast<const char*>(child->name)) {
        break;
      }
      if (count < current.min) return false;
      ++particle;
      count = 0;
    }
    if (!ElementConforms(*sequence[particle].element, child)) return false;
    ++count;
  }
  for (; particle < sequence.size(); ++particle, count = 0) {
    if (count < sequence[particle].min) return false;
  }
  return true;
}

bool ElementConforms(const ElementDecl& decl, const xmlNode* node) {
  if (node->ns != nullptr) return false;
  if (decl.simple != nullptr) {
    const xmlChar* value = SimpleValue(node->children);
    return node->properties == nullptr && value != nullptr && ValueConforms(*decl.simple, value);
  }
  return AttributesConform(*decl.complex, node) && ContentConforms(*decl.complex, node);
}

// ---------------------------------------------------------------------------------------------
// Compiling.

struct Unsupported {
  std::string why;
};

[[noreturn]] void Refuse(const xmlNode* node, const std::string& what) {
  throw Unsupported{what + " (line " + std::to_string(xml::Line(node)) + ")"};
}

// What an XSD element is: "element", "sequence", ...
std::string_view XsdKind(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

std::optional<std::string> Attr(const xmlNode* node, const char* name) {
  if (xmlHasNsProp(node, reinterpret_cast<const xmlChar*>(name), nullptr) == nullptr)
    return std::nullopt;
  return xml::Attribute(node, name);
}

// Refuses any attribute of node not in allowed (and any namespaced one).
void OnlyAttributes(const xmlNode* node, std::initializer_list<std::string_view> allowed) {
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    std::string_view name = reinterpret_cast<const char*>(attr->name);
    bool known = attr->ns == nullptr;
    if (known) {
      known = false;
      for (std::string_view candidate : allowed) known = known || candidate == name;
    }
    if (!known)
      Refuse(node, "attribute " + std::string(name) + " of xs:" + std::string(XsdKind(node)));
  }
}

// The XSD element children of node, annotations left out; anything else but comments and blank
// text is refused.
std::vector<const xmlNode*> Parts(const xmlNode* node) {
  std::vector<const xmlNode*> parts;
  for (const xmlNode* child = node->children; child != nullptr; child = child->next) {
    if (child->type == XML_COMMENT_NODE) continue;
    if (child->type == XML_TEXT_NODE && IsBlankText(child)) continue;
    if (!xml::IsXsd(child)) Refuse(node, "content of xs:" + std::string(XsdKind(node)));
    if (XsdKind(child) == "annotation") continue;
    parts.push_back(child);
  }
  return parts;
}

long Occurs(const xmlNode* node, const char* name) {
  std::optional<std::string> value = Attr(node, name);
  if (!value) return 1;
  if (*value == "unbounded" && std::string_view(name) == "maxOccurs") return -1;
  if (!IsDigits(*value) || value->size() > 9) Refuse(node, std::string(name) + "=" + *value);
  return std::stol(*value);
}

class Compiler {
 public:
  explicit Compiler(FormModel& model) : model_(model) {}

  // Collects the global declarations of a schema document and of those it includes.
  void Collect(const xmlDoc* doc, const std::filesystem::path& path) {
    std::filesystem::path canonical = std::filesystem::weakly_canonical(path);
    if (!read_.insert(canonical).second) return;
    const xmlNode* schema = xmlDocGetRootElement(doc);
    if (schema == nullptr || !xml::IsXsd(schema) || XsdKind(schema) != "schema")
      throw Unsupported{"not a schema: " + path.string()};
    OnlyAttributes(schema, {"elementFormDefault", "attributeFormDefault", "version"});
    for (const char* form : {"elementFormDefault", "attributeFormDefault"}) {
      std::optional<std::string> value = Attr(schema, form);
      if (value && *value != "unqualified") Refuse(schema, std::string(form) + "=" + *value);
    }
    // Unprefixed names must mean "no namespace": no default namespace in scope.
    if (xmlSearchNs(const_cast<xmlDoc*>(doc), const_cast<xmlNode*>(schema), nullptr) != nullptr)
      Refuse(schema, "a default namespace");
    for (const xmlNode* part : Parts(schema)) {
      std::string_view kind = XsdKind(part);
      if (kind == "include") {
        OnlyAttributes(part, {"schemaLocation"});
        std::filesystem::path included =
            path.parent_path() / Attr(part, "schemaLocation").value_or("");
        xml::DocPtr doc_included;
        {
          xml::ErrorCollector errors;
          xml::ScopedErrorHandler scoped(&errors);
          doc_included.reset(xmlReadFile(included.c_str(), nullptr, XML_PARSE_NONET));
        }
        if (doc_included == nullptr) throw Unsupported{"cannot read " + included.string()};
        const xmlDoc* raw = doc_included.get();
        included_.push_back(std::move(doc_included));
        Collect(raw, included);
        continue;
      }
      std::optional<std::string> name = Attr(part, "name");
      if (!name) Refuse(part, "a global xs:" + std::string(kind) + " without a name");
      std::map<std::string, const xmlNode*>* table = nullptr;
      if (kind == "simpleType") table = &simple_defs_;
      if (kind == "complexType") table = &complex_defs_;
      if (kind == "element") table = &element_defs_;
      if (table == nullptr) Refuse(part, "xs:" + std::string(kind));
      if (!table->emplace(*name, part).second) Refuse(part, "a second definition of " + *name);
    }
  }

  const ElementDecl* Root(std::string_view name) {
    auto found = element_defs_.find(std::string(name));
    if (found == element_defs_.end()) throw Unsupported{"no global element " + std::string(name)};
    return Element(found->second);
  }

 private:
  // A type reference: a built-in (xs:...) or a named type of these schemas.
  struct TypeName {
    bool builtin = false;
    std::string local;
  };

  TypeName ResolveQName(const xmlNode* node, const std::string& qname) {
    std::size_t colon = qname.find(':');
    if (colon == std::string::npos) return {false, qname};
    std::string prefix = qname.substr(0, colon);
    xmlNs* ns = xmlSearchNs(node->doc, const_cast<xmlNode*>(node),
                            reinterpret_cast<const xmlChar*>(prefix.c_str()));
    if (ns == nullptr || ns->href == nullptr ||
        std::string_view(xml::kXsdNamespace) != reinterpret_cast<const char*>(ns->href)) {
      Refuse(node, "type " + qname);
    }
    return {true, qname.substr(colon + 1)};
  }

  const SimpleType* Builtin(const xmlNode* node, const std::string& local) {
    auto found = builtins_.find(local);
    if (found != builtins_.end()) return found->second;
    using Kind = SimpleType::Kind;
    static const std::map<std::string, std::pair<Kind, bool>> kBuiltins = {
        {"string", {Kind::kString, false}},
        {"decimal", {Kind::kDecimal, false}},
        {"integer", {Kind::kInteger, false}},
        {"nonNegativeInteger", {Kind::kInteger, false}},
        {"positiveInteger", {Kind::kInteger, true}},
        {"date", {Kind::kDate, false}},
        {"gYear", {Kind::kGYear, false}},
        {"boolean", {Kind::kBoolean, false}},
    };
    auto known = kBuiltins.find(local);
    if (known == kBuiltins.end()) Refuse(node, "built-in type xs:" + local);
    SimpleType& type = model_.simple_types.emplace_back();
    type.kind = known->second.first;
    type.positive = known->second.second;
    builtins_[local] = &type;
    return &type;
  }

  // The simple type a type attribute names; null when it names a complex type.
  const SimpleType* SimpleByName(const xmlNode* node, const std::string& qname) {
    TypeName name = ResolveQName(node, qname);
    if (name.builtin) return Builtin(node, name.local);
    auto found = simple_defs_.find(name.local);
    if (found == simple_defs_.end()) return nullptr;
    return Simple(found->second);
  }

  const ComplexType* ComplexByName(const xmlNode* node, const std::string& qname) {
    TypeName name = ResolveQName(node, qname);
    auto found = complex_defs_.find(name.local);
    if (name.builtin || found == complex_defs_.end()) Refuse(node, "unknown type " + qname);
    return Complex(found->second);
  }

  Number FacetNumber(const xmlNode* facet, const std::string& value, bool point_allowed) {
    NumberView view;
    if (!ReadNumber(value, point_allowed, view)) Refuse(facet, "facet value " + value);
    return {std::string(view.integer), std::string(view.fraction)};
  }

  long FacetCount(const xmlNode* facet, const std::string& value) {
    if (!IsDigits(value) || value.size() > 9) Refuse(facet, "facet value " + value);
    return std::stol(value);
  }

  const SimpleType* Simple(const xmlNode* node) {
    auto done = simple_done_.find(node);
    if (done != simple_done_.end()) {
      if (done->second == nullptr) Refuse(node, "a type derived from itself");
      return done->second;
    }
    simple_done_[node] = nullptr;
    OnlyAttributes(node, {"name"});
    std::vector<const xmlNode*> parts = Parts(node);
    if (parts.size() != 1 || XsdKind(parts[0]) != "restriction")
      Refuse(node, "a simple type other than a restriction");
    const xmlNode* restriction = parts[0];
    OnlyAttributes(restriction, {"base"});
    std::optional<std::string> base_name = Attr(restriction, "base");
    if (!base_name) Refuse(restriction, "a restriction without a base");
    const SimpleType* base = SimpleByName(restriction, *base_name);
    if (base == nullptr) Refuse(restriction, "a simple type restricting " + *base_name);
    SimpleType& type = model_.simple_types.emplace_back();
    type.kind = base->kind;
    type.base = base;
    using Kind = SimpleType::Kind;
    bool decimal = type.kind == Kind::kDecimal || type.kind == Kind::kInteger;
    bool ordered = decimal || type.kind == Kind::kGYear;
    for (const xmlNode* facet : Parts(restriction)) {
      OnlyAttributes(facet, {"value"});
      std::optional<std::string> value = Attr(facet, "value");
      if (!value) Refuse(facet, "a facet without a value");
      std::string_view kind = XsdKind(facet);
      if (kind == "enumeration" && type.kind == Kind::kString) {
        type.enumeration.push_back(*value);
      } else if (kind == "pattern") {
        SimpleType::Pattern pattern;
        if (*value == xml::kShortTextPattern) {
          pattern.edge = SimpleType::Edge::kTrimmedOneLine;
        } else if (*value == xml::kLongTextPattern) {
          pattern.edge = SimpleType::Edge::kStartsNonBlank;
        } else {
          pattern.regexp.reset(xmlRegexpCompile(reinterpret_cast<const xmlChar*>(value->c_str())));
          if (pattern.regexp == nullptr) Refuse(facet, "pattern " + *value);
        }
        type.patterns.push_back(std::move(pattern));
      } else if (kind == "length" && type.kind == Kind::kString) {
        type.length = FacetCount(facet, *value);
      } else if (kind == "minLength" && type.kind == Kind::kString) {
        type.min_length = FacetCount(facet, *value);
      } else if (kind == "maxLength" && type.kind == Kind::kString) {
        type.max_length = FacetCount(facet, *value);
      } else if (kind == "totalDigits" && decimal) {
        type.total_digits = FacetCount(facet, *value);
      } else if (kind == "fractionDigits" && decimal) {
        type.fraction_digits = FacetCount(facet, *value);
      } else if (ordered && (kind == "minInclusive" || kind == "maxInclusive" ||
                             kind == "minExclusive" || kind == "maxExclusive")) {
        if (type.kind == Kind::kGYear && (value->size() != 4 || !IsDigits(*value)))
          Refuse(facet, "gYear facet " + *value);
        Number number = FacetNumber(facet, *value, type.kind == Kind::kDecimal);
        if (kind == "minInclusive") type.min_inclusive = number;
        if (kind == "maxInclusive") type.max_inclusive = number;
        if (kind == "minExclusive") type.min_exclusive = number;
        if (kind == "maxExclusive") type.max_exclusive = number;
      } else {
        Refuse(facet, "facet xs:" + std::string(kind));
      }
    }
    simple_done_[node] = &type;
    return &type;
  }

  AttributeDecl Attribute(const xmlNode* node) {
    OnlyAttributes(node, {"name", "type", "use", "default"});
    AttributeDecl decl;
    decl.name = Attr(node, "name").value_or("");
    if (decl.name.empty()) Refuse(node, "an attribute without a name");
    std::string use = Attr(node, "use").value_or("optional");
    if (use != "required" && use != "optional") Refuse(node, "use=" + use);
    decl.required = use == "required";
    std::vector<const xmlNode*> parts = Parts(node);
    std::optional<std::string> type = Attr(node, "type");
    if (type && parts.empty()) {
      decl.type = SimpleByName(node, *type);
    } else if (!type && parts.size() == 1 && XsdKind(parts[0]) == "simpleType") {
      decl.type = Simple(parts[0]);
    }
    if (decl.type == nullptr) Refuse(node, "attribute " + decl.name + "'s type");
    return decl;
  }

  const ComplexType* Complex(const xmlNode* node) {
    auto done = complex_done_.find(node);
    if (done != complex_done_.end()) return done->second;
    OnlyAttributes(node, {"name"});
    // Registered before its parts, so an element may contain itself.
    ComplexType& type = model_.complex_types.emplace_back();
    complex_done_[node] = &type;
    std::vector<const xmlNode*> parts = Parts(node);
    std::size_t next = 0;
    const xmlNode* attributes_of = node;
    if (next < parts.size() && XsdKind(parts[next]) == "sequence") {
      const xmlNode* sequence = parts[next++];
      OnlyAttributes(sequence, {});
      for (const xmlNode* particle : Parts(sequence)) {
        if (XsdKind(particle) != "element")
          Refuse(particle, "xs:" + std::string(XsdKind(particle)) + " in a sequence");
        Particle compiled;
        compiled.min = Occurs(particle, "minOccurs");
        compiled.max = Occurs(particle, "maxOccurs");
        if (compiled.max >= 0 && compiled.max < compiled.min)
          Refuse(particle, "maxOccurs < minOccurs");
        compiled.element = Element(particle);
        type.sequence.push_back(compiled);
      }
      type.content =
          type.sequence.empty() ? ComplexType::Content::kEmpty : ComplexType::Content::kElements;
    } else if (next < parts.size() && XsdKind(parts[next]) == "simpleContent") {
      const xmlNode* simple_content = parts[next++];
      OnlyAttributes(simple_content, {});
      std::vector<const xmlNode*> inner = Parts(simple_content);
      if (inner.size() != 1 || XsdKind(inner[0]) != "extension")
        Refuse(simple_content, "simple content other than an extension");
      OnlyAttributes(inner[0], {"base"});
      type.content = ComplexType::Content::kSimple;
      type.simple = SimpleByName(inner[0], Attr(inner[0], "base").value_or(""));
      if (type.simple == nullptr) Refuse(inner[0], "an extension of a complex type");
      attributes_of = inner[0];
    }
    auto add_attributes = [&](const std::vector<const xmlNode*>& list, std::size_t from) {
      for (std::size_t i = from; i < list.size(); ++i) {
        if (XsdKind(list[i]) != "attribute")
          Refuse(list[i], "xs:" + std::string(XsdKind(list[i])) + " in a complex type");
        AttributeDecl decl = Attribute(list[i]);
        for (const AttributeDecl& other : type.attributes) {
          if (other.name == decl.name) Refuse(list[i], "attribute " + decl.name + " twice");
        }
        if (decl.required) ++type.required;
        type.attributes.push_back(std::move(decl));
      }
    };
    if (attributes_of != node) add_attributes(Parts(attributes_of), 0);
    add_attributes(parts, next);
    return &type;
  }

  const ElementDecl* Element(const xmlNode* node) {
    OnlyAttributes(node, {"name", "type", "minOccurs", "maxOccurs"});
    ElementDecl& decl = model_.elements.emplace_back();
    decl.name = Attr(node, "name").value_or("");
    if (decl.name.empty()) Refuse(node, "an element without a name");
    std::vector<const xmlNode*> parts = Parts(node);
    std::optional<std::string> type = Attr(node, "type");
    if (type && parts.empty()) {
      decl.simple = SimpleByName(node, *type);
      if (decl.simple == nullptr) decl.complex = ComplexByName(node, *type);
    } else if (!type && parts.size() == 1 && XsdKind(parts[0]) == "simpleType") {
      decl.simple = Simple(parts[0]);
    } else if (!type && parts.size() == 1 && XsdKind(parts[0]) == "complexType") {
      decl.complex = Complex(parts[0]);
    } else {
      // No type (xs:anyType), or identity constraints the validator does not check in code.
      Refuse(node, "element " + decl.name + "'s declaration");
    }
    return &decl;
  }

  FormModel& model_;
  std::set<std::filesystem::path> read_;
  std::vector<xml::DocPtr> included_;  // the documents xs:include read, while compiling
  std::map<std::string, const xmlNode*> simple_defs_, complex_defs_, element_defs_;
  std::map<const xmlNode*, const SimpleType*> simple_done_;
  std::map<const xmlNode*, const ComplexType*> complex_done_;
  std::map<std::string, const SimpleType*> builtins_;
};

}  // namespace

FormModelPtr CompileFormModel(const xmlDoc* schema, const std::filesystem::path& path,
                              std::string_view root_name, std::string* why) {
  FormModelPtr model(new FormModel);
  try {
    Compiler compiler(*model);
    compiler.Collect(schema, path);
    model->root = compiler.Root(root_name);
  } catch (const Unsupported& unsupported) {
    if (why != nullptr) *why = unsupported.why;
    return nullptr;
  }
  return model;
}

bool Conforms(const FormModel& model, const xmlNode* root) {
  return root != nullptr && root->type == XML_ELEMENT_NODE &&
         model.root->name == reinterpret_cast<const char*>(root->name) &&
         ElementConforms(*model.root, root);
}

}  // namespace sealflow::forms::plain
