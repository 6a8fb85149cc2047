// Copyright sealflow authors.
#include "xml_util.h"

#include <climits>
#include <initializer_list>
#include <mutex>
#include <string>

namespace sealflow::forms::xml {
namespace {

// Per-parse state reachable from the SAX callbacks through xmlParserCtxt::_private.
struct ParseState {
  ErrorCollector errors;
  bool doctype_refused = false;
};

std::string TrimMessage(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// SAX internalSubset callback: called with the DOCTYPE's name before any "[ ... ]" internal
// subset is parsed. Recording a finding and stopping here means no entity is ever declared.
void RefuseDoctype(void* ctx, const xmlChar* /*name*/, const xmlChar* /*external_id*/,
                   const xmlChar* /*system_id*/) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  Finding finding;
  finding.line = ctxt->input != nullptr ? ctxt->input->line : 0;
  finding.column = 0;
  finding.message =
      "不允许 DOCTYPE/DTD 声明（防止外部实体与实体膨胀攻击） / DOCTYPE declarations are not "
      "allowed (refused to prevent external entity and entity expansion attacks)";
  state->errors.findings.push_back(std::move(finding));
  state->doctype_refused = true;
  xmlStopParser(ctxt);
}

// The parser's structured error channel receives the parser context as its data.
void CollectParserError(void* ctx, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  // After a refused DOCTYPE the parser is halted; anything it still says is a consequence.
  if (state->doctype_refused) return;
  CollectError(&state->errors, error);
}

}  // namespace

void EnsureInitialized() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

void CollectError(void* collector, xmlErrorPtr error) {
  if (collector == nullptr || error == nullptr || error->level < XML_ERR_ERROR) return;
  auto* errors = static_cast<ErrorCollector*>(collector);
  Finding finding;
  finding.line = error->line;
  finding.column = error->int2;
  if (error->node != nullptr) {
    const auto* node = static_cast<const xmlNode*>(error->node);
    if (node->type == XML_ELEMENT_NODE || node->type == XML_ATTRIBUTE_NODE) {
      finding.element = LocalName(node);
    }
    if (finding.line == 0) finding.line = Line(node);
  }
  finding.message = TrimMessage(error->message);
  // libxml2 reports a failed xs:keyref when its scope ends, without a node; its message still
  // starts with the element ("Element 'evidenceRef': No match found ..."), which is named here
  // so every schema finding names its element.
  constexpr std::string_view kElement = "Element '";
  if (finding.element.empty() && finding.message.compare(0, kElement.size(), kElement) == 0) {
    std::size_t end = finding.message.find('\'', kElement.size());
    if (end != std::string::npos) {
      std::string name = finding.message.substr(kElement.size(), end - kElement.size());
      if (!name.empty() && name.front() == '{') {
        std::size_t close = name.find('}');
        name = close == std::string::npos ? std::string() : name.substr(close + 1);
      }
      finding.element = std::move(name);
    }
  }
  errors->findings.push_back(std::move(finding));
}

ScopedErrorHandler::ScopedErrorHandler(ErrorCollector* collector)
    : previous_handler_(xmlStructuredError), previous_context_(xmlStructuredErrorContext) {
  xmlSetStructuredErrorFunc(collector, CollectError);
}

ScopedErrorHandler::~ScopedErrorHandler() {
  xmlSetStructuredErrorFunc(previous_context_, previous_handler_);
}

ParserCtxtPtr NewUntrustedParser() {
  EnsureInitialized();
  ParserCtxtPtr ctxt(xmlNewParserCtxt());
  if (ctxt == nullptr || ctxt->sax == nullptr) throw std::bad_alloc();
  ctxt->sax->internalSubset = RefuseDoctype;
  ctxt->sax->externalSubset = nullptr;
  ctxt->sax->serror = CollectParserError;
  return ctxt;
}

bool ParserReusable(const xmlParserCtxt* ctxt) {
  // A few hundred names per form type; far more means unusual input, not a reason to keep it.
  constexpr int kMaxDictionaryEntries = 20000;
  return ctxt != nullptr && ctxt->dict != nullptr &&
         xmlDictSize(ctxt->dict) <= kMaxDictionaryEntries;
}

ParseResult ParseUntrusted(std::string_view xml, std::size_t max_bytes) {
  ParserCtxtPtr ctxt = NewUntrustedParser();
  return ParseUntrusted(xml, max_bytes, ctxt.get());
}

ParseResult ParseUntrusted(std::string_view xml, std::size_t max_bytes, xmlParserCtxt* ctxt) {
  EnsureInitialized();
  ParseResult result;
  auto refuse = [&result](std::string message) {
    Finding finding;
    finding.message = std::move(message);
    result.findings.push_back(std::move(finding));
    return std::move(result);
  };
  if (xml.empty()) return refuse("文档为空 / the document is empty");
  if (xml.size() > max_bytes || xml.size() > static_cast<std::size_t>(INT_MAX)) {
    return refuse("文档过大：" + std::to_string(xml.size()) + " 字节，上限 " +
                  std::to_string(max_bytes) + " 字节 / the document is too large: " +
                  std::to_string(xml.size()) + " bytes, limit " + std::to_string(max_bytes));
  }

  ParseState state;
  ctxt->_private = &state;
  struct ClearPrivate {
    xmlParserCtxt* ctxt;
    ~ClearPrivate() { ctxt->_private = nullptr; }
  } clear_private{ctxt};
  // Errors raised outside the context's channel (e.g. by the encoding layer) land here.
  ScopedErrorHandler scoped(&state.errors);

  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
                           XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;
  DocPtr doc(xmlCtxtReadMemory(ctxt, xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                               kOptions));
  if (state.doctype_refused || !state.errors.findings.empty() || ctxt->wellFormed == 0 ||
      doc == nullptr || xmlDocGetRootElement(doc.get()) == nullptr) {
    result.findings = std::move(state.errors.findings);
    if (result.findings.empty()) {
      Finding finding;
      finding.message = "不是格式良好的 XML / the document is not well-formed XML";
      result.findings.push_back(std::move(finding));
    }
    return result;
  }
  result.doc = std::move(doc);
  return result;
}

std::string LocalName(const xmlNode* node) {
  if (node == nullptr || node->name == nullptr) return {};
  return reinterpret_cast<const char*>(node->name);
}

std::string Text(const xmlNode* node) {
  if (node == nullptr) return {};
  XmlCharPtr content(xmlNodeGetContent(node));
  return content == nullptr ? std::string() : reinterpret_cast<const char*>(content.get());
}

std::string Attribute(const xmlNode* node, const char* name) {
  if (node == nullptr) return {};
  XmlCharPtr value(xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name)));
  return value == nullptr ? std::string() : reinterpret_cast<const char*>(value.get());
}

std::string_view TextView(const xmlNode* node, std::string& scratch) {
  if (node == nullptr) return {};
  const xmlNode* child = node->children;
  if (node->type == XML_ELEMENT_NODE && child != nullptr && child->next == nullptr &&
      child->type == XML_TEXT_NODE && child->content != nullptr) {
    return reinterpret_cast<const char*>(child->content);
  }
  if (node->type == XML_ELEMENT_NODE && child == nullptr) return {};
  scratch = Text(node);
  return scratch;
}

std::string_view AttributeView(const xmlNode* node, std::string_view name, std::string& scratch) {
  if (node == nullptr) return {};
  for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
    if (attr->ns != nullptr || attr->name == nullptr ||
        std::string_view(reinterpret_cast<const char*>(attr->name)) != name) {
      continue;
    }
    const xmlNode* child = attr->children;
    if (child == nullptr) return {};
    if (child->next == nullptr && child->type == XML_TEXT_NODE && child->content != nullptr)
      return reinterpret_cast<const char*>(child->content);
    break;
  }
  scratch = Attribute(node, std::string(name).c_str());
  return scratch;
}

std::string_view TrimView(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r\n";
  auto begin = text.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(kBlank);
  return text.substr(begin, end - begin + 1);
}

int Line(const xmlNode* node) {
  if (node == nullptr) return 0;
  long line = xmlGetLineNo(node);
  return line < 0 || line > INT_MAX ? 0 : static_cast<int>(line);
}

bool IsElement(const xmlNode* node, std::string_view name) {
  // Compared in place: these lookups run for every sibling, on every validation and render.
  return node->type == XML_ELEMENT_NODE && node->name != nullptr &&
         std::string_view(reinterpret_cast<const char*>(node->name)) == name;
}

const xmlNode* Child(const xmlNode* parent, std::string_view name) {
  if (parent == nullptr) return nullptr;
  for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (IsElement(child, name)) return child;
  }
  return nullptr;
}

std::vector<const xmlNode*> Children(const xmlNode* parent, std::string_view name) {
  std::vector<const xmlNode*> out;
  if (parent == nullptr) return out;
  for (const xmlNode* child = parent->children; child != nullptr; child = child->next) {
    if (IsElement(child, name)) out.push_back(child);
  }
  return out;
}

const xmlNode* Path(const xmlNode* node, std::initializer_list<std::string_view> names) {
  return Path(node, std::vector<std::string_view>(names));
}

const xmlNode* Path(const xmlNode* node, const std::vector<std::string_view>& names) {
  for (std::string_view name : names) {
    node = Child(node, name);
    if (node == nullptr) return nullptr;
  }
  return node;
}

std::string Trim(std::string_view text) {
  constexpr std::string_view kBlank = " \t\r\n";
  auto begin = text.find_first_not_of(kBlank);
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(kBlank);
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace sealflow::forms::xml
