// Copyright sealflow authors.
#include "xml_util.h"

#include <libxml/SAX2.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <string>
#include <vector>

#include "xml_dump.h"

namespace sealflow::forms::xml {
namespace {

// ---------------------------------------------------------------------------------------------
// Character data without libxml2's per-character path.
//
// libxml2 2.9 reads character data in a tight loop only while it is ASCII; at the first other
// byte it falls back to decoding, checking and copying one character at a time (about 200
// instructions per character), and form text is mostly Chinese. So the parser is handed a copy
// of the input in which the non-ASCII characters of character data are replaced by ASCII
// stand-ins of the same byte length, and every piece of text it reports is put back from the
// original at the same offset before the tree stores it. Only a run of bytes between a '>' and
// the next '<' is changed, and only if
//   - it has no line break, so its text node gets the line the original parse gives it (libxml2
//     stamps a text node with the line on which its first piece is reported), and
//   - its non-ASCII bytes are well-formed UTF-8 for XML Chars, which the parser accepts as
//     character data exactly as it accepts the stand-in.
// A stand-in is the letter 'x': character data to the parser (in UTF-8 and in every encoding a
// document may declare, where it is also 'x'), and no predefined entity name contains one, so no
// reference changes meaning. The columns libxml2 counts differ (bytes instead
// of characters), and columns appear only in errors.
//
// A run is not always character data (a '>' may stand in an attribute value, a comment or a CDATA
// section), so the result is checked instead of assumed: the parse is kept only if it is clean
// and every replaced byte came back through the characters callback straight from the input
// buffer, once, in document order. Then every other byte the parser read is the original, and the
// tree is the one the original gives. Otherwise the original is parsed again as given.

constexpr unsigned char kStandIn = 'x';

// Where stand-ins were put: [begin, end) of a run, and how many bytes in it were replaced.
struct StandInRun {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t replaced = 0;
};

// At most this many runs get stand-ins (the rest of a document is parsed as it is), which bounds
// the run list at about 1.5 MiB whatever the input.
constexpr std::size_t kMaxStandInRuns = 1u << 16;

// Puts stand-ins into text (a copy of original), recording each run changed.
void StandInCharacterData(std::string& text, std::string_view original,
                          std::vector<StandInRun>& runs) {
  auto* begin = reinterpret_cast<unsigned char*>(text.data());
  auto* source = reinterpret_cast<const unsigned char*>(original.data());
  std::size_t size = text.size();
  std::size_t at = 0;
  while (at < size && runs.size() < kMaxStandInRuns) {
    const void* gt = std::memchr(begin + at, '>', size - at);
    if (gt == nullptr) break;
    std::size_t run = static_cast<std::size_t>(static_cast<const unsigned char*>(gt) - begin) + 1;
    const void* lt = std::memchr(begin + run, '<', size - run);
    // A run must end at a '<' that is not the last byte: libxml2 peeks past a text's end.
    if (lt == nullptr) break;
    std::size_t run_end = static_cast<std::size_t>(static_cast<const unsigned char*>(lt) - begin);
    if (run_end + 1 >= size) break;
    std::size_t replaced = 0;
    bool ok = true;
    for (std::size_t i = run; i < run_end;) {
      unsigned char c = begin[i];
      if (c < 0x80) {
        if (c == '\n' || c == '\r') {
          ok = false;
          break;
        }
        ++i;
        continue;
      }
      // Most of it: a three-byte character with no special case (U+1000-U+CFFF, U+E000-U+EFFF).
      if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE) && run_end - i >= 3 &&
          IsContinuation(begin[i + 1]) && IsContinuation(begin[i + 2])) {
        begin[i] = begin[i + 1] = begin[i + 2] = kStandIn;
        replaced += 3;
        i += 3;
        continue;
      }
      std::size_t length = XmlCharLength(begin + i, begin + run_end);
      if (length == 0) {
        ok = false;
        break;
      }
      std::memset(begin + i, kStandIn, length);
      replaced += length;
      i += length;
    }
    if (!ok && replaced > 0) {
      std::memcpy(begin + run, source + run, run_end - run);  // undo
    } else if (ok && replaced > 0) {
      runs.push_back({run, run_end, replaced});
    }
    at = run_end;
  }
}

// Per-parse state reachable from the SAX callbacks through xmlParserCtxt::_private.
struct ParseState {
  ErrorCollector errors;
  bool doctype_refused = false;
  // With stand-ins: the input as given and as parsed (same length), where they stand, how many
  // of them came back, and how far.
  std::string_view original;
  std::string_view parsed;
  const std::vector<StandInRun>* runs = nullptr;
  std::size_t next_run = 0;
  std::size_t restored = 0;
  std::size_t restored_up_to = 0;
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

// SAX characters callback while stand-ins are in the input: hands the tree the original text of
// each piece the parser reports from its input buffer, and keeps count.
void RestoreCharacters(void* ctx, const xmlChar* ch, int len) {
  auto* ctxt = static_cast<xmlParserCtxt*>(ctx);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  const xmlParserInput* input = ctxt->input;
  // Only text read straight from the input bytes can be put back: not text transcoded from
  // another declared encoding (its stand-ins are not the input's bytes), nor text from elsewhere
  // (a character or entity reference, the slow path's own buffer). Such text reaches the tree
  // as read; if it held stand-ins, they are missing from the count and the parse is not kept.
  if (len <= 0 || input == nullptr || ctxt->inputNr != 1 || input->buf == nullptr ||
      input->buf->encoder != nullptr || input->base == nullptr || ch < input->base ||
      ch >= input->end) {
    xmlSAX2Characters(ctx, ch, len);
    return;
  }
  // The offset in the document, as libxml2 computes it for its node positions.
  std::size_t offset = input->consumed + static_cast<std::size_t>(ch - input->base);
  auto length = static_cast<std::size_t>(len);
  const std::vector<StandInRun>& runs = *state->runs;
  while (state->next_run < runs.size() && runs[state->next_run].end <= offset) ++state->next_run;
  bool inside = state->next_run < runs.size() && runs[state->next_run].begin <= offset;
  if (!inside || offset < state->restored_up_to || length > runs[state->next_run].end - offset ||
      ch[0] != static_cast<unsigned char>(state->parsed[offset]) ||
      ch[length - 1] != static_cast<unsigned char>(state->parsed[offset + length - 1])) {
    // Not text from a run with stand-ins: as read, as above.
    xmlSAX2Characters(ctx, ch, len);
    return;
  }
  const StandInRun& run = runs[state->next_run];
  std::size_t restored = 0;
  if (offset == run.begin && length == run.end - run.begin) {
    restored = run.replaced;  // the usual case: the whole run in one piece
  } else {
    for (std::size_t i = offset; i < offset + length; ++i) {
      restored += state->parsed[i] != state->original[i] ? 1 : 0;
    }
  }
  state->restored += restored;
  state->restored_up_to = offset + length;
  // What the original's slow path does, and the ASCII path does not, after non-blank text: it
  // marks the element as holding text, so later blank text in it is kept (XML_PARSE_NOBLANKS).
  if (restored > 0 && ctxt->space != nullptr && *ctxt->space == -1) *ctxt->space = -2;
  xmlSAX2Characters(ctx, reinterpret_cast<const xmlChar*>(state->original.data() + offset), len);
}

// One parse of text with ctxt, whose callbacks see state and report character data to
// characters. Returns the document only if the parse is clean: well-formed, with a root element
// and without a finding (the findings are left in state).
DocPtr Parse(xmlParserCtxt* ctxt, std::string_view text, ParseState& state,
             charactersSAXFunc characters) {
  ctxt->_private = &state;
  ctxt->sax->characters = characters;
  struct Restore {
    xmlParserCtxt* ctxt;
    ~Restore() {
      ctxt->_private = nullptr;
      ctxt->sax->characters = xmlSAX2Characters;
    }
  } restore{ctxt};
  // Errors raised outside the context's channel (e.g. by the encoding layer) land here.
  ScopedErrorHandler scoped(&state.errors);

  constexpr int kOptions = XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
                           XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;
  DocPtr doc(xmlCtxtReadMemory(ctxt, text.data(), static_cast<int>(text.size()), nullptr, nullptr,
                               kOptions));
  if (state.doctype_refused || !state.errors.findings.empty() || ctxt->wellFormed == 0 ||
      doc == nullptr || xmlDocGetRootElement(doc.get()) == nullptr) {
    return nullptr;
  }
  return doc;
}

}  // namespace

std::size_t XmlCharLength(const unsigned char* p, const unsigned char* end) {
  unsigned char lead = p[0];
  auto left = end - p;
  if (lead < 0xC2) return 0;
  if (lead < 0xE0) return left >= 2 && IsContinuation(p[1]) ? 2 : 0;
  if (lead < 0xF0) {
    if (left < 3 || !IsContinuation(p[1]) || !IsContinuation(p[2])) return 0;
    if (lead == 0xE0 && p[1] < 0xA0) return 0;                   // overlong
    if (lead == 0xED && p[1] >= 0xA0) return 0;                  // a surrogate
    if (lead == 0xEF && p[1] == 0xBF && p[2] >= 0xBE) return 0;  // U+FFFE, U+FFFF
    return 3;
  }
  if (lead > 0xF4 || left < 4 || !IsContinuation(p[1]) || !IsContinuation(p[2]) ||
      !IsContinuation(p[3])) {
    return 0;
  }
  if (lead == 0xF0 && p[1] < 0x90) return 0;   // overlong
  if (lead == 0xF4 && p[1] >= 0x90) return 0;  // past U+10FFFF
  return 4;
}

bool BlankOnly(const xmlChar* text) {
  for (; text != nullptr && *text != '\0'; ++text) {
    if (!IsBlank(*text)) return false;
  }
  return true;
}

bool IsPlainName(std::string_view name) {
  if (name.empty() || !IsPlainNameStart(static_cast<unsigned char>(name.front()))) return false;
  for (char c : name) {
    if (!IsPlainNameChar(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool TrimmedOneLine(const xmlChar* text, std::size_t length) {
  if (length == 0 || IsBlank(text[0]) || IsBlank(text[length - 1])) return false;
  return std::memchr(text, '\n', length) == nullptr && std::memchr(text, '\r', length) == nullptr;
}

const xmlNode* OnlyText(const xmlNode* parent_children) {
  const xmlNode* text = parent_children;
  return text != nullptr && text->next == nullptr && text->type == XML_TEXT_NODE &&
                 text->content != nullptr
             ? text
             : nullptr;
}

bool IsXsd(const xmlNode* node, std::string_view local) {
  return node != nullptr && node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         node->ns->href != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), kXsdNamespace) == 0 &&
         (local.empty() || IsElement(node, local));
}

std::size_t CountCharacters(const xmlChar* text, std::size_t length) {
  constexpr std::uint64_t kHigh = 0x8080808080808080u;
  constexpr std::uint64_t kOnes = 0x0101010101010101u;
  std::size_t continuations = 0;
  std::size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text + i, 8);
    // A continuation byte is 10xxxxxx: top bit set, the next one clear. The product adds up the
    // marks (one per byte) in its top byte.
    std::uint64_t marks = (word & ~(word << 1) & kHigh) >> 7;
    continuations += static_cast<std::size_t>((marks * kOnes) >> 56);
  }
  for (; i < length; ++i) continuations += (text[i] & 0xC0) == 0x80 ? 1 : 0;
  return length - continuations;
}

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

namespace {

// ParseUntrusted(), with stand-ins only if stand_ins; *kept says whether the document returned
// came from the parse with stand-ins.
ParseResult ParseUntrustedImpl(std::string_view xml, std::size_t max_bytes, xmlParserCtxt* ctxt,
                               bool stand_ins, bool* kept) {
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

  // First with stand-ins (see above), kept only if the parse is clean and every stand-in came
  // back; otherwise the input is parsed again as given.
  ParseState state;
  DocPtr doc;
  std::string parsed;
  std::vector<StandInRun> runs;
  if (stand_ins) {
    parsed.assign(xml);
    StandInCharacterData(parsed, xml, runs);
  }
  if (!runs.empty()) {
    std::size_t replaced = 0;
    for (const StandInRun& run : runs) replaced += run.replaced;
    state.original = xml;
    state.parsed = parsed;
    state.runs = &runs;
    doc = Parse(ctxt, parsed, state, RestoreCharacters);
    if (doc != nullptr && state.restored == replaced) {
      if (kept != nullptr) *kept = true;
      result.doc = std::move(doc);
      return result;
    }
    // After a failed parse the original gets a context of its own (the caller throws its own
    // away, as after any refused input); after a clean one the caller's is as good as new.
    bool clean = doc != nullptr;
    doc.reset();
    state = ParseState();
    if (clean) {
      doc = Parse(ctxt, xml, state, xmlSAX2Characters);
    } else {
      ParserCtxtPtr fresh = NewUntrustedParser();
      doc = Parse(fresh.get(), xml, state, xmlSAX2Characters);
    }
  } else {
    doc = Parse(ctxt, xml, state, xmlSAX2Characters);
  }
  if (doc == nullptr) {
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

void DumpNode(const xmlNode* node, int depth, std::string& out);

void DumpNodes(const xmlNode* node, int depth, std::string& out) {
  for (; node != nullptr; node = node->next) DumpNode(node, depth, out);
}

void DumpNode(const xmlNode* node, int depth, std::string& out) {
  auto text = [](const xmlChar* value) {
    return value == nullptr ? std::string("(null)") : reinterpret_cast<const char*>(value);
  };
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
  out += std::to_string(node->type) + " " + text(node->name) + " line " +
         std::to_string(xmlGetLineNo(node));
  if (node->ns != nullptr) out += " ns " + text(node->ns->prefix) + "=" + text(node->ns->href);
  if (node->type == XML_ELEMENT_NODE) {
    for (const xmlNs* ns = node->nsDef; ns != nullptr; ns = ns->next)
      out += " xmlns " + text(ns->prefix) + "=" + text(ns->href);
    out += "\n";
    for (const xmlAttr* attr = node->properties; attr != nullptr; attr = attr->next) {
      out.append(static_cast<std::size_t>(depth) * 2 + 2, ' ');
      out += "@" + text(attr->name);
      if (attr->ns != nullptr) out += " ns " + text(attr->ns->href);
      out += "\n";
      DumpNodes(attr->children, depth + 2, out);
    }
  } else {
    out += " [" + text(node->content) + "]\n";
  }
  if (node->type != XML_ATTRIBUTE_NODE && node->type != XML_ENTITY_REF_NODE)
    DumpNodes(node->children, depth + 1, out);
}

}  // namespace

ParseResult ParseUntrusted(std::string_view xml, std::size_t max_bytes, xmlParserCtxt* ctxt) {
  return ParseUntrustedImpl(xml, max_bytes, ctxt, true, nullptr);
}

ParseDump DumpParse(std::string_view xml, std::size_t max_bytes, bool stand_ins) {
  ParseDump dump;
  ParserCtxtPtr ctxt = NewUntrustedParser();
  ParseResult result = ParseUntrustedImpl(xml, max_bytes, ctxt.get(), stand_ins, &dump.stand_ins);
  for (const Finding& finding : result.findings) {
    dump.text += "finding " + std::to_string(finding.line) + ":" + std::to_string(finding.column) +
                 " <" + finding.element + "> " + finding.message + "\n";
  }
  if (result.doc != nullptr) {
    const xmlDoc* doc = result.doc.get();
    auto text = [](const xmlChar* value) {
      return value == nullptr ? std::string("(null)") : reinterpret_cast<const char*>(value);
    };
    dump.text += "document " + text(doc->version) + " " + text(doc->encoding) + " " +
                 std::to_string(doc->standalone) + "\n";
    DumpNodes(doc->children, 1, dump.text);
  }
  return dump;
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
