// Copyright sealflow authors.
#include "difference.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "pdf_util.h"

namespace sealflow::signing::pdf {
namespace {

using PoDoFo::PdfArray;
using PoDoFo::PdfDictionary;
using PoDoFo::PdfMemDocument;
using PoDoFo::PdfObject;
using Num = std::uint32_t;

constexpr int kMaxDepth = 64;  // direct nesting and field tree depth; deeper is cut off

struct PodofoFree {
  void operator()(char* p) const noexcept { PoDoFo::podofo_free(p); }
};

std::string Text(const PdfObject* object) {
  std::string out;
  if (object != nullptr) object->ToString(out);
  return out;
}

// The raw (still encoded) bytes of a stream object.
std::string StreamBytes(PdfObject* object) {
  char* buffer = nullptr;
  PoDoFo::pdf_long length = 0;
  object->GetStream()->GetCopy(&buffer, &length);
  std::unique_ptr<char, PodofoFree> owner(buffer);
  return std::string(buffer != nullptr ? buffer : "", static_cast<std::size_t>(length));
}

// Text(a) == Text(b), without serialising everything: PoDoFo's ToString builds an output stream
// per value and costs tens of thousands of instructions per small dictionary. Containers are
// compared entry by entry (dictionaries by key, whatever their map's order), integers, names,
// booleans and references by value; a real or string that differs by value, and anything else,
// by its text as before (equal reals and equal strings write the same text).
bool SameText(const PdfObject& a, const PdfObject& b, int depth = 0) {
  using T = PoDoFo::EPdfDataType;
  const T type = a.GetDataType();
  if (type == b.GetDataType() && depth <= kMaxDepth) {
    switch (type) {
      case T::ePdfDataType_Dictionary: {
        const PdfDictionary& da = a.GetDictionary();
        const PdfDictionary& db = b.GetDictionary();
        if (da.GetKeys().size() != db.GetKeys().size()) return false;
        for (const auto& [key, item] : da.GetKeys()) {
          const PdfObject* other = db.GetKey(key);
          if (item == nullptr || other == nullptr) return Text(&a) == Text(&b);
          if (!SameText(*item, *other, depth + 1)) return false;
        }
        return true;
      }
      case T::ePdfDataType_Array: {
        const PdfArray& aa = a.GetArray();
        const PdfArray& ab = b.GetArray();
        if (aa.size() != ab.size()) return false;
        for (std::size_t k = 0; k < aa.size(); ++k) {
          if (!SameText(aa[k], ab[k], depth + 1)) return false;
        }
        return true;
      }
      case T::ePdfDataType_Bool:
        return a.GetBool() == b.GetBool();
      case T::ePdfDataType_Number:
        return a.GetNumber() == b.GetNumber();
      case T::ePdfDataType_Name:
        return a.GetName() == b.GetName();
      case T::ePdfDataType_Reference:
        return a.GetReference() == b.GetReference();
      case T::ePdfDataType_Null:
        return true;
      case T::ePdfDataType_Real:
        if (a.GetReal() == b.GetReal()) return true;
        break;
      case T::ePdfDataType_String:
      case T::ePdfDataType_HexString: {
        const PoDoFo::PdfString& sa = a.GetString();
        const PoDoFo::PdfString& sb = b.GetString();
        if (sa.IsHex() == sb.IsHex() && sa.IsUnicode() == sb.IsUnicode() &&
            sa.GetLength() == sb.GetLength() &&
            std::memcmp(sa.GetString(), sb.GetString(), static_cast<std::size_t>(sa.GetLength())) ==
                0) {
          return true;
        }
        break;
      }
      default:
        break;
    }
  }
  return Text(&a) == Text(&b);
}

std::string NameOf(const PdfObject* value) {
  return value != nullptr && value->IsName() ? value->GetName().GetName() : std::string();
}

void RefsIn(const PdfObject& value, std::vector<Num>& out, int depth = 0) {
  if (depth > kMaxDepth) return;
  if (value.IsReference()) {
    out.push_back(value.GetReference().ObjectNumber());
  } else if (value.IsDictionary()) {
    for (const auto& [key, item] : value.GetDictionary().GetKeys()) {
      if (item != nullptr) RefsIn(*item, out, depth + 1);
    }
  } else if (value.IsArray()) {
    for (const PdfObject& item : value.GetArray()) RefsIn(item, out, depth + 1);
  }
}

// Whether PoDoFo has parsed `object` yet (PdfVariant::DelayedLoadDone is protected; a pointer to
// it taken through a derived class is the sanctioned way to call it).
struct LoadState : PoDoFo::PdfVariant {
  static bool Loaded(const PdfObject& object) { return (object.*(&LoadState::DelayedLoadDone))(); }
};

// --- What the analysis needs of an object it has no other reason to look into: its references,
// /Type, whether it has a stream with a direct /Length, and a page's /Annots. PoDoFo 0.9.8 parses
// a dictionary at hundreds of instructions a byte (every array element is copied as the vector
// grows), which for the CID fonts' /W arrays was most of a difference analysis. So an object not
// parsed yet is read here straight from the file, by a reader that only accepts the plain syntax
// it is sure PoDoFo reads the same way and gives up (the caller then asks PoDoFo) on anything
// else: comments, names with # escapes, an R that does not follow two plain unsigned integers,
// unknown keywords, bytes 0, deep nesting. On what it accepts, its references are PoDoFo's
// (PoDoFo's DetermineDataType reads "n g R" wherever a value starts with an integer n), or a
// superset where PoDoFo keeps one of duplicate keys; a superset only makes the analysis stricter.
// It never reads past the bytes it is given. multi_signature_test covers what it refuses.
struct RawObject {
  bool ok = false;
  bool is_dict = false;
  bool has_stream = false;
  bool length_direct = false;  // /Length is a direct integer
  std::uint64_t length = 0;    // that integer
  std::string type;            // /Type, if a name
  Num annots = 0;              // /Annots, if a reference
  std::vector<Num> refs;
  std::size_t end = 0;  // the offset just after the "endobj" or "stream" read
};

class RawReader {
 public:
  RawReader(std::string_view bytes, std::size_t at) : s_(bytes), i_(at) {}

  // The object's value at the reader's position (PoDoFo's offset of a parsed object is just after
  // its "n g obj", which PoDoFo has read and checked), then "endobj" or "stream".
  RawObject Read() {
    RawObject out;
    SkipWhite();
    if (i_ >= s_.size()) return out;
    out.is_dict = Starts("<<");
    Item top;
    if (!Value(0, out, top) || top.kind == Kind::kR) return out;
    if (top.kind == Kind::kInteger) {  // "n g obj n2 g2 R endobj" is a reference
      if (!CompleteReference(0, out, top)) return out;
      if (top.kind == Kind::kReference) out.refs.push_back(top.ref);
    }
    SkipWhite();
    if (Keyword("endobj")) {
      out.ok = true;
    } else if (out.is_dict && Keyword("stream")) {
      out.ok = out.has_stream = true;
    }
    if (!out.ok) out = RawObject{};
    out.end = i_;
    return out;
  }

 private:
  enum class Kind { kOther, kInteger, kName, kReference, kR };
  struct Item {
    Kind kind = Kind::kOther;
    std::uint64_t integer = 0;
    std::string_view name;  // as written (with any #xx escapes)
    bool escaped = false;
    Num ref = 0;
  };

  static bool Fail() { return false; }
  static bool White(unsigned char c) { return c != 0 && PoDoFo::PdfTokenizer::IsWhitespace(c); }
  static bool Delimiter(unsigned char c) { return PoDoFo::PdfTokenizer::IsDelimiter(c); }
  static bool Regular(unsigned char c) { return c != 0 && !White(c) && !Delimiter(c); }
  static bool Digit(char c) { return c >= '0' && c <= '9'; }
  unsigned char At(std::size_t k) const { return static_cast<unsigned char>(s_[k]); }
  void SkipWhite() {
    while (i_ < s_.size() && White(At(i_))) ++i_;
  }
  bool Starts(std::string_view text) const { return s_.substr(i_, text.size()) == text; }
  // A run of regular characters at i_ (skipping white-space first).
  std::string_view Token() {
    SkipWhite();
    const std::size_t start = i_;
    while (i_ < s_.size() && Regular(At(i_))) ++i_;
    return s_.substr(start, i_ - start);
  }
  bool Keyword(std::string_view word) {
    const std::size_t save = i_;
    if (Token() == word) return true;
    i_ = save;
    return false;
  }
  // [+-]digits[.digits] or [+-].digits: a number PoDoFo reads as such.
  static bool Numeric(std::string_view t) {
    std::size_t k = 0;
    if (k < t.size() && (t[k] == '+' || t[k] == '-')) ++k;
    bool digits = false, dot = false;
    for (; k < t.size(); ++k) {
      if (Digit(t[k])) {
        digits = true;
      } else if (t[k] == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits;
  }

  // Literal string at i_ ('(' already there): balanced parentheses, backslash escapes the next
  // byte (octal escapes are digits, which change nothing here), as PoDoFo's ReadString.
  bool String() {
    int balance = 0;
    for (++i_; i_ < s_.size(); ++i_) {
      const char c = s_[i_];
      if (c == '\\') {
        ++i_;
      } else if (c == '(') {
        ++balance;
      } else if (c == ')') {
        if (balance == 0) {
          ++i_;
          return true;
        }
        --balance;
      }
    }
    return Fail();
  }
  bool HexString() {
    static const auto kHexOrWhite = [] {
      std::array<bool, 256> table{};
      for (int c = 1; c < 256; ++c) {
        const auto u = static_cast<unsigned char>(c);
        table[u] = std::isxdigit(u) != 0 || White(u);
      }
      return table;
    }();
    const std::size_t start = i_ + 1;
    const std::size_t close = s_.find('>', start);
    if (close == std::string_view::npos) return Fail();
    for (std::size_t k = start; k < close; ++k) {
      if (!kHexOrWhite[At(k)]) return Fail();
    }
    i_ = close + 1;
    return true;
  }

  // One item at i_ into `it`: a value, or the keyword R (which only a container's loop, that
  // knows the two items before it, can turn into a reference).
  bool Value(int depth, RawObject& out, Item& it) {
    if (depth > 32) return Fail();
    SkipWhite();
    if (i_ >= s_.size()) return Fail();
    const unsigned char c = At(i_);
    it = Item{};
    if (Digit(static_cast<char>(c))) {
      // A plain unsigned integer (the common case: /W arrays are thousands of them).
      std::size_t k = i_;
      std::uint64_t value = 0;
      while (k < s_.size() && k - i_ < 10 && Digit(s_[k])) {
        value = value * 10 + (At(k) - '0');
        ++k;
      }
      if (k - i_ <= 9 && (k == s_.size() || !Regular(At(k)))) {
        it.kind = Kind::kInteger;
        it.integer = value;
        i_ = k;
        return true;
      }
    }
    if (c == 'R' && (i_ + 1 == s_.size() || !Regular(At(i_ + 1)))) {
      ++i_;
      it.kind = Kind::kR;
      return true;
    }
    if (c == '(') return String();
    if (c == '<') {
      if (!Starts("<<")) return HexString();
      i_ += 2;
      return Dictionary(depth + 1, out);
    }
    if (c == '[') {
      ++i_;
      return Array(depth + 1, out);
    }
    if (c == '/') {
      ++i_;
      const std::size_t start = i_;
      bool escaped = false;
      while (i_ < s_.size() && Regular(At(i_))) {
        if (s_[i_] == '#') {
          // #xx, as PoDoFo's PdfName::FromEscaped reads it; anything else is not ours to read.
          if (i_ + 2 >= s_.size() || !std::isxdigit(At(i_ + 1)) || !std::isxdigit(At(i_ + 2))) {
            return Fail();
          }
          escaped = true;
          i_ += 2;
        }
        ++i_;
      }
      it.kind = Kind::kName;
      it.name = s_.substr(start, i_ - start);
      it.escaped = escaped;
      return true;
    }
    if (!Regular(c)) return Fail();  // ')', '>', '{', '}', '%', ']' out of place, byte 0
    const std::string_view t = Token();
    if (Numeric(t) || t == "true" || t == "false" || t == "null") return true;
    return Fail();  // unknown keywords, "12abc", integers of ten digits or more...
  }

  // PoDoFo reads "n g R" (n, g integers) as a reference wherever a value starts with n. In an
  // array every item is such a start, so an R completes the two integers before it, if they are
  // integers; any other R is refused.
  bool Array(int depth, RawObject& out) {
    Kind older = Kind::kOther, last = Kind::kOther;
    std::uint64_t older_value = 0, last_value = 0;
    for (;;) {
      SkipWhite();
      if (i_ >= s_.size()) return Fail();
      if (s_[i_] == ']') {
        ++i_;
        return true;
      }
      Item it;
      if (!Value(depth, out, it)) return false;
      if (it.kind == Kind::kR) {
        if (older != Kind::kInteger || last != Kind::kInteger) return Fail();
        out.refs.push_back(static_cast<Num>(older_value));
        older = last = Kind::kOther;
        continue;
      }
      older = last;
      older_value = last_value;
      last = it.kind;
      last_value = it.integer;
    }
  }

  // A dictionary value that is an integer may be the start of "n g R".
  bool CompleteReference(int depth, RawObject& out, Item& value) {
    SkipWhite();
    if (i_ >= s_.size()) return Fail();
    if (Digit(s_[i_])) {
      Item generation, r;
      if (!Value(depth, out, generation) || generation.kind != Kind::kInteger ||
          !Value(depth, out, r) || r.kind != Kind::kR) {
        return Fail();  // "/K 1 2 /L": PoDoFo would not read that either
      }
      value.kind = Kind::kReference;
      value.ref = static_cast<Num>(value.integer);
      return true;
    }
    const std::size_t save = i_;
    Item next;
    if (s_[i_] == 'R' && Value(depth, out, next) && next.kind == Kind::kR) return Fail();
    i_ = save;
    return true;
  }

  bool Dictionary(int depth, RawObject& out) {
    bool seen_type = false, seen_annots = false, seen_length = false;
    for (;;) {
      SkipWhite();
      if (i_ >= s_.size()) return Fail();
      if (Starts(">>")) {
        i_ += 2;
        return true;
      }
      Item key;
      if (!Value(depth, out, key) || key.kind != Kind::kName) return Fail();
      Item value;
      if (!Value(depth, out, value) || value.kind == Kind::kR) return Fail();
      if (value.kind == Kind::kInteger && !CompleteReference(depth, out, value)) return false;
      if (value.kind == Kind::kReference) out.refs.push_back(value.ref);
      if (depth != 1) continue;
      // The object's own dictionary: the keys the analysis asks about (by their unescaped names,
      // which these readings do not work out).
      if (key.escaped) return Fail();
      if (key.name == "Type") {
        if (seen_type || value.kind != Kind::kName || value.escaped) return Fail();
        seen_type = true;
        out.type = std::string(value.name);
      } else if (key.name == "Annots") {
        if (seen_annots) return Fail();
        seen_annots = true;
        if (value.kind == Kind::kReference) out.annots = value.ref;
      } else if (key.name == "Length") {
        if (seen_length) return Fail();
        seen_length = true;
        out.length_direct = value.kind == Kind::kInteger;
        out.length = value.integer;
      }
    }
  }

  std::string_view s_;
  std::size_t i_;
};

struct Field {
  std::string name;        // fully qualified
  std::string type;        // /FT, inherited
  std::int64_t flags = 0;  // /Ff, inherited
  std::vector<Num> widgets;
};

// Terminal fields (indirect ones) by object number, and the field of every widget.
struct FieldTree {
  std::map<Num, Field> fields;
  std::map<Num, Num> widget_field;
};
// Facts about the whole document the analysis of every signed revision needs (the whole document
// is the same for all of them), worked out on first use.
struct Facts {
  Num root = 0;
  FieldTree fields;
  std::set<Num> content;    // reachable from the catalog, /DSS not followed
  std::set<Num> dss_reach;  // reachable from the catalog's /DSS
  std::set<Num> dss;        // reachable from /DSS only
  Num info = 0;             // the Info dictionary, if only the trailer names it
  Num acroform = 0, fields_array = 0;
  std::set<Num> annots_arrays;  // pages' /Annots arrays named by reference
};

// PoDoFo invents an Info dictionary for a file without one (a new object the trailer names, not
// read from the file); it is not in the file. An Info dictionary read from the file is dirty too
// (PoDoFo writes its /Producer on loading) but is analysed like any object: one the content
// reaches is content.
bool Invented(PdfObject* object, Num num, Num info) {
  return num == info && object->IsDirty() &&
         dynamic_cast<PoDoFo::PdfParserObject*>(object) == nullptr;
}

}  // namespace

// --- The whole document, indexed once per verification.
struct DocumentIndex::Impl {
  Impl(PoDoFo::PdfVecObjects& all, const PdfObject* document_trailer, std::string_view file)
      : objects(all), trailer(document_trailer), bytes(file) {
    const PdfObject* trailer_info = trailer->GetDictionary().GetKey("Info");
    const Num info = trailer_info != nullptr && trailer_info->IsReference()
                         ? trailer_info->GetReference().ObjectNumber()
                         : 0;
    for (PdfObject* object : objects) {
      const Num num = object->Reference().ObjectNumber();
      if (Invented(object, num, info)) continue;
      by_num[num] = object;
    }
  }

  PdfObject* At(Num num) const {
    auto it = by_num.find(num);
    return it == by_num.end() ? nullptr : it->second;
  }

  // The reader's view of `object` (nullptr: ask PoDoFo), a top-level object of this document or
  // of one of its signed revisions (parsed from the file's first `limit` bytes): read from the
  // file at its offset unless PoDoFo has parsed it already. Every revision is a prefix of the
  // file, so one offset is one text whichever revision the object was parsed in, as long as it
  // ends inside that revision; readings are kept by offset.
  const RawObject* ReadAt(PdfObject* object, std::size_t limit) const {
    const RawObject* read = Reading(object);
    return read != nullptr && read->ok && read->end <= limit ? read : nullptr;
  }
  // The reading of a top-level object (ok or not), nullptr for any other.
  const RawObject* Reading(PdfObject* object) const {
    if (bytes.empty() || object == nullptr) return nullptr;
    auto* parser = dynamic_cast<PoDoFo::PdfParserObject*>(object);
    if (parser == nullptr || parser->GetOffset() <= 0 ||
        static_cast<std::size_t>(parser->GetOffset()) >= bytes.size()) {
      return nullptr;
    }
    const auto offset = static_cast<std::size_t>(parser->GetOffset());
    auto cached = raw.find(offset);
    if (cached == raw.end()) {
      cached = raw.emplace(offset, RawReader(bytes, offset).Read()).first;
    }
    return &cached->second;
  }
  const RawObject* Raw(Num num) const { return ReadAt(At(num), bytes.size()); }

  // The references in `object` (parsed from the file's first `limit` bytes), as RefsIn finds
  // them (or a superset).
  void RefsOf(PdfObject* object, std::vector<Num>& out, std::size_t limit) const {
    if (const RawObject* read = ReadAt(object, limit)) {
      out.insert(out.end(), read->refs.begin(), read->refs.end());
    } else {
      RefsIn(*object, out);
    }
  }

  void RefsOf(Num num, std::vector<Num>& out) const {
    if (PdfObject* object = At(num)) RefsOf(object, out, bytes.size());
  }

  // /Type of object `num` (a direct name, else "").
  std::string TypeOf(Num num) const {
    if (const RawObject* read = Raw(num)) return read->type;
    PdfObject* object = At(num);
    return NameOf(pdf::Get(objects, object, "Type"));
  }

  // True when `a` (from a signed revision) was parsed from the same bytes as object `num` here:
  // both are top-level parser objects at the same file offset, and the signed revision is a prefix
  // of the document, so they read the same "n g obj ... endobj" text. The one input a parse takes
  // from elsewhere is an indirect stream /Length, which each document resolves on its own; such
  // streams are compared byte for byte instead. Objects from object streams are plain PdfObjects
  // and always compared. This spares serialising every unchanged object (the embedded fonts, most
  // of all) for each signature, and parsing it in each signed revision at all: only the whole
  // document's copy is looked into.
  //
  // With the file's bytes, that text (and a stream's data) must also end inside the signed
  // revision (`limit` bytes long): an object whose text runs on past the revision's end is not
  // what was signed, whatever its offset (in the signed revision alone it does not even parse).
  // Where the reader cannot tell where the text ends, the two are compared like any other pair.
  bool SameBytes(PdfObject* a, Num num, std::size_t limit) const {
    PdfObject* b = At(num);
    auto* pa = dynamic_cast<PoDoFo::PdfParserObject*>(a);
    auto* pb = dynamic_cast<PoDoFo::PdfParserObject*>(b);
    if (pa == nullptr || pb == nullptr || pa->GetOffset() <= 0 ||
        pa->GetOffset() != pb->GetOffset()) {
      return false;
    }
    if (const RawObject* read = Reading(b)) {
      if (!read->ok || read->end > limit) return false;
      // A stream's data (after "stream" and its end of line) must lie inside the revision too.
      return !read->has_stream || (read->length_direct && read->end + 2 + read->length <= limit);
    }
    // IsDictionary() completes the (delayed) parse of the object itself, not of its stream data.
    if (!b->IsDictionary()) return true;
    if (!pb->HasStreamToParse() && !b->HasStream()) return true;
    const PdfObject* length = b->GetDictionary().GetKey(PoDoFo::PdfName::KeyLength);
    return length != nullptr && length->IsNumber();
  }

  // Object numbers reachable from `roots`; the key `skip_key` of object `skip_num` is not
  // followed.
  std::set<Num> Reach(const std::vector<Num>& roots, Num skip_num = 0,
                      const char* skip_key = nullptr) const {
    std::set<Num> seen;
    std::vector<Num> todo = roots;
    while (!todo.empty()) {
      const Num num = todo.back();
      todo.pop_back();
      PdfObject* object = At(num);
      if (object == nullptr || !seen.insert(num).second) continue;
      if (num == skip_num && skip_key != nullptr && object->IsDictionary()) {
        for (const auto& [key, item] : object->GetDictionary().GetKeys()) {
          if (key.GetName() != skip_key && item != nullptr) RefsIn(*item, todo);
        }
      } else {
        RefsOf(num, todo);
      }
    }
    return seen;
  }

  PoDoFo::PdfVecObjects& objects;
  const PdfObject* trailer;
  std::string_view bytes;  // empty: no reader, PoDoFo parses everything
  std::map<Num, PdfObject*> by_num;
  mutable std::map<std::size_t, RawObject> raw;  // by file offset
  mutable std::unique_ptr<Facts> facts;          // set once worked out
};

namespace {

// One parsed document, indexed by object number: the whole document (`whole` set, `old` not),
// or a signed revision (`old` set) whose objects read from the same bytes as the whole
// document's are looked into through the whole document's copy.
class Doc {
 public:
  explicit Doc(const DocumentIndex::Impl& whole)
      : objects_(whole.objects),
        trailer_(whole.trailer),
        whole_(&whole),
        size_(whole.bytes.size()) {
    is_whole_ = true;
  }
  Doc(PoDoFo::PdfVecObjects& objects, const PdfObject* trailer, std::size_t size,
      const DocumentIndex::Impl& whole)
      : objects_(objects), trailer_(trailer), whole_(&whole), size_(size) {
    const PdfObject* trailer_info = trailer_->GetDictionary().GetKey("Info");
    const Num info = trailer_info != nullptr && trailer_info->IsReference()
                         ? trailer_info->GetReference().ObjectNumber()
                         : 0;
    for (PdfObject* object : objects_) {
      const Num num = object->Reference().ObjectNumber();
      if (Invented(object, num, info)) continue;
      by_num_[num] = object;
    }
  }

  // The object itself.
  PdfObject* Raw(Num num) const {
    if (is_whole_) return whole_->At(num);
    auto it = by_num_.find(num);
    return it == by_num_.end() ? nullptr : it->second;
  }
  // The object, or its equal in the whole document (same bytes): for reading its values.
  PdfObject* At(Num num) const { return View(Raw(num)); }
  const std::map<Num, PdfObject*>& all() const { return is_whole_ ? whole_->by_num : by_num_; }
  PdfObject* Resolve(PdfObject* object) const { return View(pdf::Resolve(objects_, object)); }
  PdfObject* Get(PdfObject* dict, const char* key) const {
    if (dict == nullptr || !dict->IsDictionary()) return nullptr;
    return Resolve(dict->GetDictionary().GetKey(PoDoFo::PdfName(key)));
  }
  const PdfObject* Trailer() const { return trailer_; }
  Num TrailerRef(const char* key) const {
    const PdfObject* value = Trailer()->GetDictionary().GetKey(key);
    return value != nullptr && value->IsReference() ? value->GetReference().ObjectNumber() : 0;
  }
  PdfObject* Catalog() const { return At(TrailerRef("Root")); }
  const DocumentIndex::Impl& whole() const { return *whole_; }
  // The length of the bytes it was parsed from (0: not known).
  std::size_t Size() const { return size_; }

 private:
  PdfObject* View(PdfObject* object) const {
    if (is_whole_ || object == nullptr) return object;
    const Num num = object->Reference().ObjectNumber();
    auto own = by_num_.find(num);
    if (own == by_num_.end() || own->second != object) return object;
    auto memo = views_.find(num);
    if (memo == views_.end()) {
      memo = views_.emplace(num, whole_->SameBytes(object, num, size_) ? whole_->At(num) : object)
                 .first;
    }
    return memo->second;
  }

  PoDoFo::PdfVecObjects& objects_;
  const PdfObject* trailer_;
  const DocumentIndex::Impl* whole_ = nullptr;
  std::size_t size_ = 0;
  bool is_whole_ = false;
  std::map<Num, PdfObject*> by_num_;  // a signed revision's objects
  mutable std::map<Num, PdfObject*> views_;
};

void WalkFields(const Doc& doc, PdfObject* kids, const Field& parent, int depth,
                std::set<Num>& seen, FieldTree& tree) {
  if (kids == nullptr || !kids->IsArray() || depth > kMaxDepth) return;
  for (const PdfObject& item : kids->GetArray()) {
    if (!item.IsReference()) continue;
    const Num num = item.GetReference().ObjectNumber();
    PdfObject* node = doc.At(num);
    if (node == nullptr || !node->IsDictionary() || !seen.insert(num).second) continue;
    Field field = parent;
    field.widgets.clear();
    if (PdfObject* t = doc.Get(node, "T"); t != nullptr && t->IsString()) {
      field.name = (parent.name.empty() ? "" : parent.name + ".") + t->GetString().GetStringUtf8();
    }
    if (PdfObject* ft = doc.Get(node, "FT"); ft != nullptr && ft->IsName()) field.type = NameOf(ft);
    if (PdfObject* ff = doc.Get(node, "Ff"); ff != nullptr && ff->IsNumber()) {
      field.flags = ff->GetNumber();
    }
    PdfObject* children = doc.Get(node, "Kids");
    bool has_child_fields = false;
    std::vector<Num> widgets;
    if (NameOf(doc.Get(node, "Subtype")) == "Widget") widgets.push_back(num);
    if (children != nullptr && children->IsArray()) {
      for (const PdfObject& child : children->GetArray()) {
        PdfObject* kid = doc.Resolve(const_cast<PdfObject*>(&child));
        if (kid == nullptr || !kid->IsDictionary() || !child.IsReference()) continue;
        if (kid->GetDictionary().HasKey("T")) {
          has_child_fields = true;
        } else {
          widgets.push_back(child.GetReference().ObjectNumber());
        }
      }
    }
    if (has_child_fields) {
      WalkFields(doc, children, field, depth + 1, seen, tree);
      continue;
    }
    field.widgets = widgets;
    for (Num widget : widgets) tree.widget_field[widget] = num;
    tree.fields[num] = std::move(field);
  }
}

FieldTree Fields(const Doc& doc) {
  FieldTree tree;
  std::set<Num> seen;
  WalkFields(doc, doc.Get(doc.Get(doc.Catalog(), "AcroForm"), "Fields"), Field{}, 0, seen, tree);
  return tree;
}

const Facts& WholeFacts(const Doc& whole) {
  const DocumentIndex::Impl& index = whole.whole();
  if (index.facts) return *index.facts;
  auto facts = std::make_unique<Facts>();
  const Num root = whole.TrailerRef("Root");
  facts->root = root;
  facts->fields = Fields(whole);
  facts->content = index.Reach({root}, root, "DSS");
  PdfObject* catalog = whole.Catalog();
  std::vector<Num> dss_roots;
  if (const PdfObject* dss = catalog->GetDictionary().GetKey("DSS")) RefsIn(*dss, dss_roots);
  facts->dss_reach = index.Reach(dss_roots);
  for (Num num : facts->dss_reach) {
    if (facts->content.count(num) == 0) facts->dss.insert(num);
  }
  facts->info = whole.TrailerRef("Info");
  if (facts->content.count(facts->info) != 0) facts->info = 0;
  if (PdfObject* acroform = catalog->GetDictionary().GetKey("AcroForm");
      acroform != nullptr && acroform->IsReference()) {
    facts->acroform = acroform->GetReference().ObjectNumber();
  }
  if (PdfObject* form = whole.Get(catalog, "AcroForm"); form != nullptr && form->IsDictionary()) {
    const PdfObject* value = form->GetDictionary().GetKey("Fields");
    if (value != nullptr && value->IsReference()) {
      facts->fields_array = value->GetReference().ObjectNumber();
    }
  }
  // Every page's /Annots array (by /Type, pages or not reachable from the tree).
  for (const auto& [num, object] : whole.all()) {
    if (index.TypeOf(num) != "Page") continue;
    if (const RawObject* read = index.Raw(num)) {
      if (read->annots != 0) facts->annots_arrays.insert(read->annots);
      continue;
    }
    const PdfObject* annots = object->GetDictionary().GetKey("Annots");
    if (annots != nullptr && annots->IsReference()) {
      facts->annots_arrays.insert(annots->GetReference().ObjectNumber());
    }
  }
  index.facts = std::move(facts);
  return *index.facts;
}

// FieldMDP locks (ISO 32000-1 12.8.2.4) collected from the signatures of a revision.
struct Locks {
  bool all = false;
  std::vector<std::string> include;
  std::vector<std::vector<std::string>> excludes;

  static bool Covers(const std::string& lock, const std::string& name) {
    return name == lock || name.rfind(lock + ".", 0) == 0;
  }
  bool Has(const std::string& name) const {
    if (all) return true;
    for (const std::string& lock : include) {
      if (Covers(lock, name)) return true;
    }
    for (const auto& except : excludes) {
      if (std::none_of(except.begin(), except.end(),
                       [&](const std::string& lock) { return Covers(lock, name); })) {
        return true;
      }
    }
    return false;
  }
  void Add(const Doc& doc, PdfObject* params) {
    if (params == nullptr || !params->IsDictionary()) return;
    const std::string action = NameOf(doc.Get(params, "Action"));
    std::vector<std::string> names;
    if (PdfObject* list = doc.Get(params, "Fields"); list != nullptr && list->IsArray()) {
      for (const PdfObject& item : list->GetArray()) {
        if (item.IsString()) names.push_back(item.GetString().GetStringUtf8());
      }
    }
    if (action == "All") {
      all = true;
    } else if (action == "Include") {
      include.insert(include.end(), names.begin(), names.end());
    } else if (action == "Exclude") {
      excludes.push_back(std::move(names));
    } else {
      all = true;  // an action we do not know: lock everything (strict)
    }
  }
};

// The /TransformParams of the signature reference with `method` in a signature dictionary.
std::vector<PdfObject*> TransformParams(const Doc& doc, PdfObject* sig, const char* method) {
  std::vector<PdfObject*> out;
  PdfObject* refs = doc.Get(sig, "Reference");
  if (refs == nullptr || !refs->IsArray()) return out;
  for (PdfObject& item : refs->GetArray()) {
    PdfObject* ref = doc.Resolve(&item);
    if (ref != nullptr && NameOf(doc.Get(ref, "TransformMethod")) == method) {
      out.push_back(doc.Get(ref, "TransformParams"));
    }
  }
  return out;
}

int DocMdpLevel(const Doc& doc) {
  PdfObject* sig = doc.Get(doc.Get(doc.Catalog(), "Perms"), "DocMDP");
  if (sig == nullptr) return 0;
  for (PdfObject* params : TransformParams(doc, sig, "DocMDP")) {
    PdfObject* p = doc.Get(params, "P");
    if (p != nullptr && p->IsNumber() && p->GetNumber() >= 1 && p->GetNumber() <= 3) {
      return static_cast<int>(p->GetNumber());
    }
  }
  return 2;  // ISO 32000-1 Table 254: /P defaults to 2
}

std::string Describe(const Doc& doc, PdfObject* object) {
  if (object == nullptr) return "?";
  std::string out;
  if (object->IsDictionary()) {
    const std::string type = NameOf(doc.Get(object, "Type"));
    const std::string subtype = NameOf(doc.Get(object, "Subtype"));
    const std::string ft = NameOf(doc.Get(object, "FT"));
    if (!type.empty()) out += "/Type /" + type;
    if (!subtype.empty()) out += (out.empty() ? "" : " ") + std::string("/Subtype /") + subtype;
    if (!ft.empty()) out += (out.empty() ? "" : " ") + std::string("/FT /") + ft;
    if (out.empty()) out = "dictionary";
  } else if (object->IsArray()) {
    out = "array";
  } else {
    out = "value";
  }
  if (object->HasStream()) out += " (stream)";
  return out;
}

// The keys whose values differ between two dictionaries ("(stream)" when the stream bytes
// differ), sorted.
std::vector<std::string> ChangedKeys(PdfObject* a, PdfObject* b) {
  std::set<std::string> keys;
  if (!a->IsDictionary() || !b->IsDictionary()) return {"(type)"};
  for (const auto& [key, item] : a->GetDictionary().GetKeys()) {
    const PdfObject* other = b->GetDictionary().GetKey(key);
    const bool same =
        item != nullptr && other != nullptr ? SameText(*item, *other) : Text(item) == Text(other);
    if (!same) keys.insert(key.GetName());
  }
  for (const auto& [key, item] : b->GetDictionary().GetKeys()) {
    if (!a->GetDictionary().HasKey(key)) keys.insert(key.GetName());
  }
  if (a->HasStream() != b->HasStream() || (a->HasStream() && StreamBytes(a) != StreamBytes(b))) {
    keys.insert("(stream)");
  }
  return {keys.begin(), keys.end()};
}

std::string KeyList(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) out += (out.empty() ? "/" : ", /") + key;
  return out;
}

class Analysis {
 public:
  Analysis(const Doc& old_doc, const Doc& doc, DiffOutcome& out)
      : old_(old_doc), new_(doc), whole_(doc.whole()), out_(out) {}

  void Run() {
    out_.docmdp = DocMdpLevel(old_);
    const Num root = new_.TrailerRef("Root");
    if (root == 0 || root != old_.TrailerRef("Root")) {
      Flag(0, "文档目录被替换 / the trailer's /Root (document catalog) was replaced");
      return;
    }
    facts_ = &WholeFacts(new_);
    Classify();
    // Objects read from the same bytes are the same; only the others are compared.
    std::set<Num> changed;
    for (const auto& [num, object] : new_.all()) {
      PdfObject* before = old_.Raw(num);
      if (before == nullptr || AnyChangeAllowed(num)) continue;
      if (!SameObject(before, num, object)) changed.insert(num);
    }
    for (Num num : changed) CheckChanged(num, old_.Raw(num), new_.At(num));
    for (const auto& [num, object] : new_.all()) {
      if (old_.At(num) == nullptr) CheckAdded(num, object);
    }
    for (const auto& [num, object] : old_.all()) {
      if (new_.At(num) == nullptr && !Structural(old_, num, object)) {
        Flag(num, "已删除 / removed: " + Describe(old_, object));
      }
    }
    CheckDanglingReferences();
    std::sort(out_.disallowed.begin(), out_.disallowed.end(),
              [](const ObjectChange& a, const ObjectChange& b) {
                return a.object != b.object ? a.object < b.object : a.change < b.change;
              });
    out_.disallowed.erase(std::unique(out_.disallowed.begin(), out_.disallowed.end(),
                                      [](const ObjectChange& a, const ObjectChange& b) {
                                        return a.object == b.object && a.change == b.change;
                                      }),
                          out_.disallowed.end());
  }

 private:
  void Flag(Num num, std::string change) { out_.disallowed.push_back({num, std::move(change)}); }

  // True when CheckChanged accepts any change of object `num` of the whole document:
  // only the DSS or the metadata dictionary, and none of the objects it looks at first. Such an
  // object need not be compared (nor its old version parsed).
  bool AnyChangeAllowed(Num num) const {
    const bool metadata = facts_->dss.count(num) != 0 || (num == facts_->info && facts_->info != 0);
    return metadata && num != facts_->root && num != facts_->acroform &&
           num != facts_->fields_array && facts_->annots_arrays.count(num) == 0 &&
           facts_->fields.fields.count(num) == 0 && facts_->fields.widget_field.count(num) == 0 &&
           whole_.TypeOf(num) != "Page";
  }

  // `a` from the signed revision and `b`, object `num` of the whole document.
  bool SameObject(PdfObject* a, Num num, PdfObject* b) const {
    if (whole_.SameBytes(a, num, old_.Size())) return true;
    if (!SameText(*a, *b)) return false;
    if (a->HasStream() != b->HasStream()) return false;
    return !a->HasStream() || StreamBytes(a) == StreamBytes(b);
  }

  bool IsNew(Num num) const { return old_.At(num) == nullptr && new_.At(num) != nullptr; }

  // Objects that only hold other objects (compared on their own) and are drawn by nothing.
  bool Structural(const Doc& doc, Num num, PdfObject* object) const {
    const std::string type = NameOf(doc.Get(object, "Type"));
    return (type == "XRef" || type == "ObjStm") && facts_->content.count(num) == 0;
  }

  // Added objects reachable from `roots`.
  void AllowNewFrom(const std::vector<Num>& roots) {
    for (Num num : whole_.Reach(roots)) {
      if (IsNew(num)) allowed_new_.insert(num);
    }
  }
  void AllowNewFromValue(PdfObject* value) {
    if (value == nullptr) return;
    std::vector<Num> roots;
    RefsIn(*value, roots);
    AllowNewFrom(roots);
  }

  void Classify() {
    old_fields_ = Fields(old_);

    // FieldMDP locks of the signatures in the signed revision (/Reference and the field /Lock).
    Locks locks;
    for (const auto& [num, field] : old_fields_.fields) {
      if (field.type != "Sig") continue;
      PdfObject* node = old_.At(num);
      PdfObject* sig = old_.Get(node, "V");
      if (sig == nullptr) continue;
      for (PdfObject* params : TransformParams(old_, sig, "FieldMDP")) locks.Add(old_, params);
      locks.Add(old_, old_.Get(node, "Lock"));
    }

    for (const auto& [num, field] : facts_->fields.fields) {
      PdfObject* node = new_.At(num);
      const bool existed = old_fields_.fields.count(num) != 0;
      const bool locked = locks.Has(field.name);
      if (field.type == "Sig") {
        PdfObject* value = new_.Get(node, "V");
        if (!existed) {
          if (out_.docmdp == 1) continue;  // P1: no new signatures
          if (out_.docmdp != 0 && AnyVisible(field)) {
            refused_[num] =
                "已认证文档上新增可见签名域 / visible new signature field on a certified document "
                "(sneaky signature)";
            continue;
          }
          new_sig_fields_.insert(num);
          for (Num widget : field.widgets) new_sig_widgets_.insert(widget);
        } else {
          const bool was_empty = old_.Get(old_.At(num), "V") == nullptr;
          if (!was_empty || value == nullptr || out_.docmdp == 1 || locked) continue;
          filled_.insert(num);
        }
        // The field, its widgets, its signature dictionary and appearances; not /P or /Parent.
        if (IsNew(num)) allowed_new_.insert(num);
        for (Num widget : field.widgets) {
          if (IsNew(widget)) allowed_new_.insert(widget);
          AllowNewFromValue(new_.Get(new_.At(widget), "AP"));
        }
        AllowNewFromValue(node->GetDictionary().GetKey("V"));
      } else if (existed && out_.docmdp != 1 && !locked && (field.flags & 1) == 0) {
        filled_.insert(num);
        for (Num widget : field.widgets) AllowNewFromValue(new_.Get(new_.At(widget), "AP"));
        AllowNewFromValue(new_.Get(node, "V"));
      }
    }

    // The DSS and everything it reaches may be added.
    for (Num num : facts_->dss_reach) {
      if (IsNew(num)) allowed_new_.insert(num);
    }
  }

  bool AnyVisible(const Field& field) const {
    for (Num widget : field.widgets) {
      PdfObject* annot = new_.At(widget);
      PdfObject* flags = new_.Get(annot, "F");
      if (flags != nullptr && flags->IsNumber() && (flags->GetNumber() & 2) != 0) continue;
      PdfObject* rect = new_.Get(annot, "Rect");
      if (rect == nullptr || !rect->IsArray() || rect->GetArray().size() != 4) return true;
      double v[4];
      for (std::size_t k = 0; k < 4; ++k) {
        const PdfObject& item = rect->GetArray()[k];
        v[k] = item.IsReal()     ? item.GetReal()
               : item.IsNumber() ? static_cast<double>(item.GetNumber())
                                 : 1e9;
      }
      if ((v[2] - v[0]) * (v[3] - v[1]) != 0.0) return true;
    }
    return false;
  }

  // `after` holds every entry of `before`; what it adds are references that `allowed` accepts.
  // Added array objects named by reference are approved here. Returns a problem or "".
  std::string ArrayGrows(PdfObject* before_value, PdfObject* after_value,
                         const std::set<Num>& allowed, const char* what) {
    PdfObject* before = before_value != nullptr ? old_.Resolve(before_value) : nullptr;
    PdfObject* after = new_.Resolve(after_value);
    if (after == nullptr || !after->IsArray() || (before != nullptr && !before->IsArray())) {
      return std::string(what) + " 不是数组 / is not an array";
    }
    std::set<std::string> kept;
    for (const PdfObject& item : after->GetArray()) kept.insert(Text(&item));
    std::set<std::string> old_items;
    if (before != nullptr) {
      for (const PdfObject& item : before->GetArray()) {
        const std::string text = Text(&item);
        if (kept.count(text) == 0) {
          return std::string(what) + " 删除了条目 / lost the entry " + text;
        }
        old_items.insert(text);
      }
    }
    for (const PdfObject& item : after->GetArray()) {
      if (old_items.count(Text(&item)) != 0) continue;
      if (!item.IsReference() || allowed.count(item.GetReference().ObjectNumber()) == 0) {
        const Num num = item.IsReference() ? item.GetReference().ObjectNumber() : 0;
        auto refused = refused_.find(num);
        return std::string(what) + " 新增了不允许的条目 / gained a disallowed entry " +
               Text(&item) + " (" + Describe(new_, new_.Resolve(const_cast<PdfObject*>(&item))) +
               (refused != refused_.end() ? "; " + refused->second : "") + ")";
      }
    }
    if (after_value->IsReference()) {
      const Num num = after_value->GetReference().ObjectNumber();
      if (IsNew(num)) approved_new_.insert(num);
    }
    return "";
  }

  std::string AcroFormDict(PdfObject* before, PdfObject* after) {
    if (after == nullptr || !after->IsDictionary())
      return "AcroForm 不是字典 / AcroForm is not a dictionary";
    std::vector<std::string> keys;
    if (before == nullptr) {
      for (const auto& [key, item] : after->GetDictionary().GetKeys())
        keys.push_back(key.GetName());
    } else {
      keys = ChangedKeys(before, after);
    }
    for (const std::string& key : keys) {
      if (key == "SigFlags" || (before == nullptr && (key == "DA" || key == "DR"))) continue;
      if (key == "Fields") {
        std::string problem =
            ArrayGrows(before != nullptr ? before->GetDictionary().GetKey("Fields") : nullptr,
                       after->GetDictionary().GetKey("Fields"), new_sig_fields_, "/Fields");
        if (!problem.empty()) return problem;
        continue;
      }
      return "AcroForm 的 /" + key + " 被修改 / AcroForm /" + key + " changed";
    }
    return "";
  }

  std::string Catalog(PdfObject* before, PdfObject* after) {
    for (const std::string& key : ChangedKeys(before, after)) {
      if (key == "DSS" || key == "Extensions") continue;
      if (key == "AcroForm") {
        PdfObject* old_value = before->GetDictionary().GetKey("AcroForm");
        PdfObject* new_value = after->GetDictionary().GetKey("AcroForm");
        // Only a new AcroForm, or a direct one that grows; never another object in its place.
        if (new_value == nullptr || (old_value != nullptr && old_value->IsReference()) ||
            (old_value != nullptr && new_value->IsReference())) {
          return "AcroForm 被替换 / the AcroForm was replaced or removed";
        }
        if (new_value->IsReference() && !IsNew(new_value->GetReference().ObjectNumber())) {
          return "AcroForm 指向已有对象 / the AcroForm now names an existing object";
        }
        std::string problem = AcroFormDict(old_.Resolve(old_value), new_.Resolve(new_value));
        if (!problem.empty()) return problem;
        if (new_value->IsReference())
          approved_new_.insert(new_value->GetReference().ObjectNumber());
        continue;
      }
      return "目录的 /" + key + " 被修改 / catalog /" + key + " changed";
    }
    return "";
  }

  std::string Page(PdfObject* before, PdfObject* after) {
    for (const std::string& key : ChangedKeys(before, after)) {
      if (key != "Annots") return "页面的 /" + key + " 被修改 / page /" + key + " changed";
      std::string problem =
          ArrayGrows(before->GetDictionary().GetKey("Annots"),
                     after->GetDictionary().GetKey("Annots"), new_sig_widgets_, "/Annots");
      if (!problem.empty()) return problem;
    }
    return "";
  }

  std::string FieldOrWidget(Num num, PdfObject* before, PdfObject* after) {
    const auto keys = ChangedKeys(before, after);
    const FieldTree& fields = facts_->fields;
    auto field_of = fields.fields.count(num) != 0 ? num : 0;
    if (field_of == 0) {
      auto it = fields.widget_field.find(num);
      if (it != fields.widget_field.end()) field_of = it->second;
    }
    const bool fillable = filled_.count(field_of) != 0;
    const bool is_field = field_of == num;
    for (const std::string& key : keys) {
      const bool ok =
          fillable && (key == "AP" || key == "M" || key == "AS" || (is_field && key == "V"));
      if (!ok) {
        static const Field kNone;
        auto found = fields.fields.find(field_of);
        const Field& field = found != fields.fields.end() ? found->second : kNone;
        return "表单域 " + field.name + " 的 /" + key + " 被修改（不允许）/ field " + field.name +
               " /" + key + " changed (not permitted: " +
               (out_.docmdp == 1      ? "certified P1"
                : field.type == "Sig" ? "signed signature field"
                                      : "locked, read-only or not a value") +
               ")";
      }
    }
    return "";
  }

  void CheckChanged(Num num, PdfObject* before, PdfObject* after) {
    if (Structural(old_, num, before) && Structural(new_, num, after)) return;
    std::string problem = "?";
    if (num == new_.TrailerRef("Root")) {
      problem = Catalog(before, after);
    } else if (num == facts_->acroform) {
      problem = AcroFormDict(before, after);
    } else if (num == facts_->fields_array) {
      problem = ArrayGrows(before, after, new_sig_fields_, "/Fields");
    } else if (facts_->annots_arrays.count(num) != 0) {
      problem = ArrayGrows(before, after, new_sig_widgets_, "/Annots");
    } else if (NameOf(new_.Get(after, "Type")) == "Page" &&
               NameOf(old_.Get(before, "Type")) == "Page") {
      problem = Page(before, after);
    } else if (facts_->fields.fields.count(num) != 0 ||
               facts_->fields.widget_field.count(num) != 0) {
      problem = FieldOrWidget(num, before, after);
    } else if (facts_->dss.count(num) != 0 || (num == facts_->info && facts_->info != 0)) {
      problem = "";
    }
    if (problem == "?") {
      const auto keys = ChangedKeys(before, after);
      problem = "已修改 / changed: " + Describe(new_, after) + " " + KeyList(keys);
    }
    if (!problem.empty()) Flag(num, problem);
  }

  void CheckAdded(Num num, PdfObject* object) {
    if (allowed_new_.count(num) != 0 || approved_new_.count(num) != 0 ||
        facts_->dss.count(num) != 0 || num == facts_->info || Structural(new_, num, object)) {
      return;
    }
    auto refused = refused_.find(num);
    Flag(num, "新增 / added: " + Describe(new_, object) +
                  (refused != refused_.end() ? " — " + refused->second : ""));
  }

  void CheckDanglingReferences() {
    std::vector<Num> refs;
    RefsIn(*old_.Trailer(), refs);
    for (const auto& [num, object] : old_.all()) {
      // An object read from the same bytes holds the same references: take them from the
      // whole document's index (read once for all the signatures); the others are read from the
      // file too when they can be.
      if (whole_.SameBytes(object, num, old_.Size())) {
        whole_.RefsOf(num, refs);
      } else {
        whole_.RefsOf(object, refs, old_.Size());
      }
    }
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
    for (Num ref : refs) {
      if (old_.At(ref) == nullptr && new_.At(ref) != nullptr) {
        Flag(ref,
             "签名时悬空的引用后来被定义 / a reference that dangled in the signed revision now "
             "resolves (hide-and-replace)");
      }
    }
  }

  const Doc& old_;
  const Doc& new_;
  const DocumentIndex::Impl& whole_;
  DiffOutcome& out_;
  const Facts* facts_ = nullptr;  // of the whole document
  FieldTree old_fields_;
  std::set<Num> new_sig_fields_, new_sig_widgets_, filled_;
  std::set<Num> allowed_new_;           // added objects a permitted change brings
  std::set<Num> approved_new_;          // added containers approved by the rules
  std::map<Num, std::string> refused_;  // why a new field was not accepted
};

}  // namespace

DocumentIndex::DocumentIndex(ParsedDocument& document, std::string_view bytes)
    : impl_(std::make_unique<Impl>(document.GetObjects(), document.GetTrailer(), bytes)) {}

DocumentIndex::~DocumentIndex() = default;

namespace {

DiffOutcome Compare(PoDoFo::PdfVecObjects& objects, const PdfObject* trailer, std::size_t size,
                    const DocumentIndex::Impl& whole_index) {
  const Doc whole(whole_index);
  const Doc old_doc(objects, trailer, size, whole_index);
  DiffOutcome out;
  Analysis(old_doc, whole, out).Run();
  return out;
}

}  // namespace

DiffOutcome CompareRevisions(ParsedDocument& signed_revision, const DocumentIndex& document) {
  return Compare(signed_revision.GetObjects(), signed_revision.GetTrailer(), signed_revision.size(),
                 *document.impl_);
}

DiffOutcome CompareRevisions(PdfMemDocument& signed_revision, PdfMemDocument& document) {
  const DocumentIndex::Impl index(document.GetObjects(), document.GetTrailer(), {});
  return Compare(signed_revision.GetObjects(), signed_revision.GetTrailer(), 0, index);
}

}  // namespace sealflow::signing::pdf
