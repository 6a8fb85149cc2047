// Copyright sealflow authors.
// Private libxml2 helpers for the forms component: RAII handles, the one safe way we parse
// untrusted form XML, and small tree accessors. Not installed; never include from a public header.
#pragma once

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "forms/validator.h"

namespace sealflow::forms::xml {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
struct ParserCtxtDeleter {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
struct SchemaDeleter {
  void operator()(xmlSchema* schema) const { xmlSchemaFree(schema); }
};
struct SchemaParserCtxtDeleter {
  void operator()(xmlSchemaParserCtxt* ctxt) const { xmlSchemaFreeParserCtxt(ctxt); }
};
struct SchemaValidCtxtDeleter {
  void operator()(xmlSchemaValidCtxt* ctxt) const { xmlSchemaFreeValidCtxt(ctxt); }
};
struct XmlCharDeleter {
  void operator()(xmlChar* text) const { xmlFree(text); }
};

using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;
using ParserCtxtPtr = std::unique_ptr<xmlParserCtxt, ParserCtxtDeleter>;
using SchemaPtr = std::unique_ptr<xmlSchema, SchemaDeleter>;
using SchemaParserCtxtPtr = std::unique_ptr<xmlSchemaParserCtxt, SchemaParserCtxtDeleter>;
using SchemaValidCtxtPtr = std::unique_ptr<xmlSchemaValidCtxt, SchemaValidCtxtDeleter>;
using XmlCharPtr = std::unique_ptr<xmlChar, XmlCharDeleter>;

// Initialises libxml2 once per process (xmlInitParser must run before threads use it).
void EnsureInitialized();

// Collects libxml2 structured errors (errors and fatal errors; warnings are dropped) as findings.
// Use as the userData of a structured error handler whose function is CollectError.
struct ErrorCollector {
  std::vector<Finding> findings;
};
void CollectError(void* collector, xmlErrorPtr error);

// While alive, routes this thread's libxml2 structured errors to collector (libxml2 keeps the
// handler in thread-local storage when built with threads, as Debian's is), restoring the
// previous handler on destruction.
class ScopedErrorHandler {
 public:
  explicit ScopedErrorHandler(ErrorCollector* collector);
  ~ScopedErrorHandler();
  ScopedErrorHandler(const ScopedErrorHandler&) = delete;
  ScopedErrorHandler& operator=(const ScopedErrorHandler&) = delete;

 private:
  xmlStructuredErrorFunc previous_handler_;
  void* previous_context_;
};

struct ParseResult {
  DocPtr doc;                     // null when the input was refused or is not well-formed
  std::vector<Finding> findings;  // why, when doc is null (and nothing otherwise)
};

// Parses untrusted XML: size limit checked before parsing; no network (XML_PARSE_NONET); no
// entity substitution (no XML_PARSE_NOENT); no XML_PARSE_HUGE; and any DOCTYPE is refused as a
// finding as soon as the parser meets it, before an internal subset is read, which defeats
// external entities (XXE) and entity expansion (billion laughs) alike. libxml2 reads a copy of the
// input with ASCII stand-ins for non-ASCII text (see xml_util.cc), which gives the same tree,
// findings and refusals as the input itself, and costs one more copy of the input while parsing.
ParseResult ParseUntrusted(std::string_view xml, std::size_t max_bytes);

// The same with a parser context from NewUntrustedParser(), which libxml2 resets before the
// parse, so a caller may keep one per thread instead of building one per document. The context
// is single-threaded, and the returned document shares its dictionary: free the document before
// the context parses again on another thread. After a refused or malformed input, or once
// ParserReusable() says no, throw the context away.
ParserCtxtPtr NewUntrustedParser();
ParseResult ParseUntrusted(std::string_view xml, std::size_t max_bytes, xmlParserCtxt* ctxt);
// False once the context's name dictionary (it interns every element and attribute name and
// short text it has seen) has grown past a bound, so a long-lived context stays small.
bool ParserReusable(const xmlParserCtxt* ctxt);

// Tree helpers. Text() is the concatenated text content; Attribute() is "" when absent.
std::string LocalName(const xmlNode* node);
std::string Text(const xmlNode* node);
std::string Attribute(const xmlNode* node, const char* name);
// Text(node) and Attribute(node, name) without copying in the usual case, a value held in one
// text node: the view points into the tree (valid while it lives). A value in several pieces is
// assembled in scratch, which the view then points into.
std::string_view TextView(const xmlNode* node, std::string& scratch);
std::string_view AttributeView(const xmlNode* node, std::string_view name, std::string& scratch);
// Trim() as a view into text.
std::string_view TrimView(std::string_view text);
int Line(const xmlNode* node);
// True for an element node named name (local name; forms have no namespace).
bool IsElement(const xmlNode* node, std::string_view name);
const xmlNode* Child(const xmlNode* parent, std::string_view name);
std::vector<const xmlNode*> Children(const xmlNode* parent, std::string_view name);
// Follows a path of child element names, e.g. {"provider", "creditCode"}; null if any is missing.
const xmlNode* Path(const xmlNode* node, std::initializer_list<std::string_view> names);
const xmlNode* Path(const xmlNode* node, const std::vector<std::string_view>& names);

// Strips leading and trailing ASCII whitespace.
std::string Trim(std::string_view text);

// XML white space (production S; also XSD's \s): space, tab, line feed, carriage return.
inline bool IsBlank(xmlChar c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether text (null counts as empty) is all white space.
bool BlankOnly(const xmlChar* text);

// Names in the plain subset (plain_xml.h), as the schemas' identity paths use them too: ASCII
// letters, digits, '_', '-' and '.', not starting with a digit, '-' or '.'.
inline bool IsPlainNameStart(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsPlainNameChar(unsigned char c) {
  return IsPlainNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}
bool IsPlainName(std::string_view name);

// The two free-text patterns of common.xsd, which libxml2 runs at ~200 instructions per
// character, and which the validator therefore checks in code ('.' matches neither CR nor LF):
//   ShortTextType \S(.*\S)?   non-empty, first and last characters not blank, no line break;
//   LongTextType  \S(.|\s)*   non-empty, first character not blank.
constexpr std::string_view kShortTextPattern = R"(\S(.*\S)?)";
constexpr std::string_view kLongTextPattern = R"(\S(.|\s)*)";
// A value that matches both.
bool TrimmedOneLine(const xmlChar* text, std::size_t length);
// A value that matches kLongTextPattern.
inline bool StartsNonBlank(const xmlChar* text, std::size_t length) {
  return length > 0 && !IsBlank(text[0]);
}

// A simple value in one piece: the single text node that is the whole content of its parent (an
// element or an attribute), given the parent's first child; or null.
const xmlNode* OnlyText(const xmlNode* parent_children);

// The XML Schema namespace, and whether node is an element of it named local (any name: "").
constexpr const char* kXsdNamespace = "http://www.w3.org/2001/XMLSchema";
bool IsXsd(const xmlNode* node, std::string_view local = {});

// UTF-8, as both parsers (libxml2's with stand-ins, and the plain parser) read it.
inline bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }
// Length of the UTF-8 sequence at p if it is well-formed (shortest form) and encodes an XML Char
// (#x80-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF); 0 otherwise. end - p >= 1.
std::size_t XmlCharLength(const unsigned char* p, const unsigned char* end);
// The number of UTF-8 characters in text[0, length): the bytes that do not continue a sequence,
// counted eight at a time.
std::size_t CountCharacters(const xmlChar* text, std::size_t length);

}  // namespace sealflow::forms::xml
