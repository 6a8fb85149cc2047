// Copyright sealflow authors.
#include "plain_xml.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "xml_util.h"

namespace sealflow::forms::plain {

void* Arena::Allocate(std::size_t bytes) {
  bytes = (bytes + 7) & ~std::size_t{7};
  if (blocks_.empty() || blocks_.back().size - used_ < bytes) {
    std::size_t size = std::max(kBlockBytes, bytes);
    blocks_.push_back({std::make_unique<unsigned char[]>(size), size});
    used_ = 0;
  }
  unsigned char* at = blocks_.back().data.get() + used_;
  used_ += bytes;
  allocated_ += bytes;
  std::memset(at, 0, bytes);
  return at;
}

void Arena::Reset() {
  if (!blocks_.empty() && blocks_.front().size == kBlockBytes) {
    blocks_.resize(1);
  } else {
    blocks_.clear();
  }
  used_ = 0;
  allocated_ = 0;
}

namespace {

// Thrown when the input leaves the subset (or is malformed); Parse() returns null.
struct Outside {};

// The name libxml2 gives its text nodes.
const xmlChar kTextName[] = "text";

// What a byte below 0x80 is in character data.
enum ByteClass : unsigned char {
  kPlain,    // stands for itself
  kSpecial,  // '<' '&' '\r' '\n' ']' need a look
  kIllegal,  // a C0 control other than tab and line feed: not an XML Char
};

struct ByteClasses {
  ByteClass of[128];
  constexpr ByteClasses() : of() {
    for (int c = 0; c < 128; ++c) of[c] = kPlain;
    for (int c = 0; c < 0x20; ++c) of[c] = kIllegal;
    of[int{'\t'}] = kPlain;
    for (char c : {'<', '&', '\r', '\n', ']'}) of[static_cast<unsigned char>(c)] = kSpecial;
  }
};
constexpr ByteClasses kText;

// The replacement of the reference at `at` (just after its '&'), one of the five predefined
// entities, and at moved past its ';'; '\0' for any other reference (a character reference, or an
// entity no plain document declares), at unmoved.
char Reference(const unsigned char*& at, const unsigned char* end) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
  for (const auto& [name, replacement] : kEntities) {
    if (static_cast<std::size_t>(end - at) >= name.size() &&
        std::memcmp(at, name.data(), name.size()) == 0) {
      at += name.size();
      return replacement;
    }
  }
  return '\0';
}

class Parser {
 public:
  Parser(std::string_view xml, Arena& arena)
      : p_(reinterpret_cast<const unsigned char*>(xml.data())),
        end_(p_ + xml.size()),
        arena_(arena) {}

  const xmlNode* Run() {
    doc_ = static_cast<xmlDoc*>(arena_.Allocate(sizeof(xmlDoc)));
    doc_->type = XML_DOCUMENT_NODE;
    doc_->doc = doc_;
    if (Starts("<?xml") && end_ - p_ > 5 && xml::IsBlank(p_[5])) Declaration();
    Misc();
    if (p_ == end_ || *p_ != '<') throw Outside{};
    ++p_;
    xmlNode* root = Element(reinterpret_cast<xmlNode*>(doc_), 1);
    Misc();
    if (p_ != end_) throw Outside{};
    return root;
  }

 private:
  bool Starts(std::string_view text) const {
    return static_cast<std::size_t>(end_ - p_) >= text.size() &&
           std::memcmp(p_, text.data(), text.size()) == 0;
  }

  void Expect(std::string_view text) {
    if (!Starts(text)) throw Outside{};
    p_ += text.size();
  }

  // Skips white space; whether there was any.
  bool Space() {
    const unsigned char* start = p_;
    while (p_ != end_ && xml::IsBlank(*p_)) {
      if (*p_ == '\n') ++line_;
      ++p_;
    }
    return p_ != start;
  }

  // <?xml version="1.0" (encoding="UTF-8")? ?>: the declaration a UTF-8 document may carry.
  void Declaration() {
    p_ += 5;
    Space();
    if (Pseudo("version") != "1.0") throw Outside{};
    bool space = Space();
    if (space && Starts("encoding")) {
      std::string_view encoding = Pseudo("encoding");
      if (encoding.size() != 5 || (encoding[0] | 0x20) != 'u' || (encoding[1] | 0x20) != 't' ||
          (encoding[2] | 0x20) != 'f' || encoding[3] != '-' || encoding[4] != '8') {
        throw Outside{};
      }
      Space();
    }
    Expect("?>");
  }

  // name = "value" of the XML declaration; the value (ASCII, no markup).
  std::string_view Pseudo(std::string_view name) {
    Expect(name);
    Space();
    Expect("=");
    Space();
    if (p_ == end_ || (*p_ != '"' && *p_ != '\'')) throw Outside{};
    unsigned char quote = *p_++;
    const unsigned char* start = p_;
    while (p_ != end_ && *p_ != quote) {
      if (*p_ < 0x21 || *p_ >= 0x80 || *p_ == '<' || *p_ == '&') throw Outside{};
      ++p_;
    }
    if (p_ == end_) throw Outside{};
    std::string_view value(reinterpret_cast<const char*>(start), p_ - start);
    ++p_;
    return value;
  }

  // White space and comments before or after the root element.
  void Misc() {
    for (;;) {
      Space();
      if (!Starts("<!--")) return;
      p_ += 4;
      Comment();
    }
  }

  // A comment's text and its end; "--" may not occur in it.
  void Comment() {
    for (;;) {
      if (p_ == end_) throw Outside{};
      unsigned char c = *p_;
      if (c == '-') {
        if (end_ - p_ >= 2 && p_[1] == '-') {
          if (end_ - p_ >= 3 && p_[2] == '>') {
            p_ += 3;
            return;
          }
          throw Outside{};
        }
        ++p_;
      } else if (c < 0x80) {
        if (c == '\n') ++line_;
        if (kText.of[c] == kIllegal) throw Outside{};
        ++p_;
      } else {
        std::size_t length = xml::XmlCharLength(p_, end_);
        if (length == 0) throw Outside{};
        p_ += length;
      }
    }
  }

  // A name of ASCII letters, digits, '_', '-' and '.', not starting with a digit, '-' or '.'.
  // Anything else a name may hold (a colon, other letters) is outside the subset.
  std::string_view Name() {
    const unsigned char* start = p_;
    if (p_ == end_ || !xml::IsPlainNameStart(*p_)) throw Outside{};
    while (p_ != end_ && xml::IsPlainNameChar(*p_)) ++p_;
    if (p_ != end_ && (*p_ == ':' || *p_ >= 0x80)) throw Outside{};
    return {reinterpret_cast<const char*>(start), static_cast<std::size_t>(p_ - start)};
  }

  const xmlChar* Copy(std::string_view text) {
    auto* copy = static_cast<xmlChar*>(arena_.Allocate(text.size() + 1));
    std::memcpy(copy, text.data(), text.size());
    return copy;
  }

  xmlNode* NewNode(xmlElementType type, xmlNode* parent) {
    if (arena_.allocated() > kMaxTreeBytes) throw Outside{};
    auto* node = static_cast<xmlNode*>(arena_.Allocate(sizeof(xmlNode)));
    node->type = type;
    node->doc = doc_;
    node->parent = parent;
    return node;
  }

  static void Append(xmlNode* parent, xmlNode* child) {
    if (parent->last == nullptr) {
      parent->children = child;
    } else {
      parent->last->next = child;
      child->prev = parent->last;
    }
    parent->last = child;
  }

  xmlNode* TextNode(xmlNode* parent, const xmlChar* content) {
    xmlNode* text = NewNode(XML_TEXT_NODE, parent);
    text->name = kTextName;
    text->content = const_cast<xmlChar*>(content);
    return text;
  }

  // Moves p_ past the reference it is at (after the '&'); outside the subset unless predefined.
  void SkipReference() {
    if (Reference(p_, end_) == '\0') throw Outside{};
  }

  // Copies [start, end), text already read, to the arena with its references resolved.
  const xmlChar* Resolved(const unsigned char* start, const unsigned char* end,
                          std::size_t references) {
    std::size_t size = static_cast<std::size_t>(end - start);
    if (references == 0) return Copy({reinterpret_cast<const char*>(start), size});
    auto* out = static_cast<xmlChar*>(arena_.Allocate(size + 1));
    std::size_t n = 0;
    for (const unsigned char* at = start; at != end;) {
      if (*at == '&') {
        ++at;
        out[n++] = static_cast<xmlChar>(Reference(at, end));
      } else {
        out[n++] = *at++;
      }
    }
    return out;
  }

  // An attribute's quoted value, its references resolved. Tab, line feed and carriage return
  // (which XML normalises to spaces) are outside the subset.
  const xmlChar* AttributeValue() {
    if (p_ == end_ || (*p_ != '"' && *p_ != '\'')) throw Outside{};
    unsigned char quote = *p_++;
    const unsigned char* start = p_;
    std::size_t references = 0;
    for (;;) {
      if (p_ == end_) throw Outside{};
      unsigned char c = *p_;
      if (c == quote) break;
      if (c < 0x80) {
        if (c < 0x20 || c == '<') throw Outside{};
        if (c == '&') {
          ++p_;
          SkipReference();
          ++references;
          continue;
        }
        ++p_;
      } else {
        std::size_t length = xml::XmlCharLength(p_, end_);
        if (length == 0) throw Outside{};
        p_ += length;
      }
    }
    const xmlChar* value = Resolved(start, p_, references);
    ++p_;  // the closing quote
    return value;
  }

  // Appends the attribute at p_ to element after last (its last attribute so far, or null) and
  // returns it.
  xmlAttr* Attribute(xmlNode* element, xmlAttr* last) {
    std::string_view name = Name();
    if (name.size() >= 5 && name.substr(0, 5) == "xmlns") throw Outside{};
    for (const xmlAttr* attr = element->properties; attr != nullptr; attr = attr->next) {
      if (name == reinterpret_cast<const char*>(attr->name)) throw Outside{};  // duplicate
    }
    Space();
    Expect("=");
    Space();
    auto* attr = static_cast<xmlAttr*>(arena_.Allocate(sizeof(xmlAttr)));
    attr->type = XML_ATTRIBUTE_NODE;
    attr->name = Copy(name);
    attr->parent = element;
    attr->doc = doc_;
    xmlNode* text = TextNode(reinterpret_cast<xmlNode*>(attr), AttributeValue());
    attr->children = attr->last = text;
    if (last == nullptr) {
      element->properties = attr;
    } else {
      last->next = attr;
      attr->prev = last;
    }
    return attr;
  }

  // Character data up to the next '<' (or the end); [start, p_) is the raw text. Counts its
  // references and says whether it is all white space and whether it holds a carriage return.
  struct TextRun {
    const unsigned char* start;
    std::size_t references = 0;
    bool blank = true;
    bool carriage_return = false;
  };

  TextRun CharacterData() {
    TextRun run{p_};
    while (p_ != end_) {
      unsigned char c = *p_;
      if (c >= 0x80) {
        // Most form text: a three-byte character with no special case (U+1000-U+CFFF,
        // U+E000-U+EFFF).
        if (((c >= 0xE1 && c <= 0xEC) || c == 0xEE) && end_ - p_ >= 3 &&
            xml::IsContinuation(p_[1]) && xml::IsContinuation(p_[2])) {
          p_ += 3;
        } else {
          std::size_t length = xml::XmlCharLength(p_, end_);
          if (length == 0) throw Outside{};
          p_ += length;
        }
        run.blank = false;
        continue;
      }
      switch (kText.of[c]) {
        case kPlain:
          if (c != ' ' && c != '\t') run.blank = false;
          ++p_;
          continue;
        case kIllegal:
          throw Outside{};
        case kSpecial:
          break;
      }
      if (c == '<') break;
      if (c == '\n') {
        ++line_;
        ++p_;
      } else if (c == '\r') {
        run.carriage_return = true;
        ++p_;
      } else if (c == '&') {
        ++p_;
        SkipReference();
        ++run.references;
        run.blank = false;
      } else {  // ']': "]]>" may not occur in character data
        if (Starts("]]>")) throw Outside{};
        run.blank = false;
        ++p_;
      }
    }
    return run;
  }

  // Appends the text of run to parent; a carriage return (which XML turns into a line feed) is
  // outside the subset in text that is kept.
  void KeepText(xmlNode* parent, const TextRun& run, const unsigned char* run_end) {
    if (run.carriage_return) throw Outside{};
    Append(parent, TextNode(parent, Resolved(run.start, run_end, run.references)));
  }

  // The element whose name starts at p_ (after its '<'), with everything in it, appended to
  // parent. Returns the element.
  xmlNode* Element(xmlNode* parent, int depth) {
    if (depth > kMaxDepth) throw Outside{};
    xmlNode* element = NewNode(XML_ELEMENT_NODE, parent);
    element->line = static_cast<unsigned short>(std::min(line_, 65535));
    std::string_view name = Name();
    element->name = Copy(name);
    Append(parent, element);
    xmlAttr* last_attribute = nullptr;
    int attributes = 0;
    for (;;) {
      bool space = Space();
      if (p_ == end_) throw Outside{};
      if (*p_ == '/') {
        Expect("/>");
        return element;
      }
      if (*p_ == '>') {
        ++p_;
        break;
      }
      // The duplicate check is quadratic: a plain element has a handful of attributes.
      if (!space || ++attributes > kMaxAttributes) throw Outside{};
      last_attribute = Attribute(element, last_attribute);
    }
    bool element_children = false;
    for (;;) {
      TextRun run = CharacterData();
      const unsigned char* run_end = p_;
      if (p_ == end_) throw Outside{};
      // At a '<'. Blank text is kept only as the whole content of an element without children.
      bool end_tag = end_ - p_ >= 2 && p_[1] == '/';
      if (run_end != run.start && (!run.blank || (end_tag && !element_children))) {
        KeepText(element, run, run_end);
      }
      ++p_;
      if (end_tag) {
        ++p_;
        if (Name() != name) throw Outside{};
        Space();
        Expect(">");
        return element;
      }
      if (p_ != end_ && (*p_ == '!' || *p_ == '?')) throw Outside{};  // comment, CDATA, PI
      Element(element, depth + 1);
      element_children = true;
    }
  }

  const unsigned char* p_;
  const unsigned char* end_;
  Arena& arena_;
  xmlDoc* doc_ = nullptr;
  int line_ = 1;
};

}  // namespace

const xmlNode* Parse(std::string_view xml, Arena& arena) {
  try {
    return Parser(xml, arena).Run();
  } catch (const Outside&) {
    return nullptr;
  }
}

}  // namespace sealflow::forms::plain
