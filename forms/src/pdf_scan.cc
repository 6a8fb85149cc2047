// Copyright sealflow authors.
#include "pdf_scan.h"

#include <zlib.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace sealflow::forms::pdfscan {
namespace {

constexpr int kMaxDepth = 32;                // nesting of arrays and dictionaries
constexpr int kMaxSections = 256;            // cross-reference sections (incremental updates)
constexpr int kMaxTreeNodes = 1024;          // name tree nodes visited
constexpr std::size_t kMaxItems = 1u << 20;  // entries of one array or dictionary

// Thrown inside this file only: "not sure, use PoDoFo".
struct Unsure {};

[[noreturn]] void Give() { throw Unsure{}; }

bool IsWhite(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}
bool IsDelimiter(char c) {
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
         c == '}' || c == '/' || c == '%';
}
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Value {
  enum class Kind { kNull, kBool, kNumber, kName, kString, kArray, kDict, kRef };
  Kind kind = Kind::kNull;
  std::string text;          // name (unescaped), string (decoded), number (literal)
  std::uint32_t num = 0;     // reference
  std::uint32_t gen = 0;     // reference
  std::vector<Value> items;  // array
  std::vector<std::pair<std::string, Value>> entries;  // dictionary, in file order

  // The last entry named `key` (PoDoFo keeps the last of duplicate keys), or nullptr.
  const Value* Get(std::string_view key) const {
    const Value* found = nullptr;
    for (const auto& [name, value] : entries) {
      if (name == key) found = &value;
    }
    return found;
  }
  bool IsInteger() const {
    if (kind != Kind::kNumber || text.empty()) return false;
    std::size_t i = text[0] == '+' || text[0] == '-' ? 1 : 0;
    if (i == text.size()) return false;
    for (; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
  }
};

class Lexer {
 public:
  Lexer(std::string_view data, std::size_t pos) : data_(data), pos_(pos) {}

  std::size_t pos() const { return pos_; }
  void set_pos(std::size_t pos) { pos_ = pos; }
  bool AtEnd() const { return pos_ >= data_.size(); }
  char Peek() const { return pos_ < data_.size() ? data_[pos_] : '\0'; }

  void SkipWhiteAndComments() {
    while (pos_ < data_.size()) {
      const char c = data_[pos_];
      if (IsWhite(c)) {
        ++pos_;
      } else if (c == '%') {
        while (pos_ < data_.size() && data_[pos_] != '\n' && data_[pos_] != '\r') ++pos_;
      } else {
        return;
      }
    }
  }

  // A run of regular characters (keyword or number), possibly empty.
  std::string_view Regular() {
    const std::size_t start = pos_;
    while (pos_ < data_.size() && !IsWhite(data_[pos_]) && !IsDelimiter(data_[pos_])) ++pos_;
    return data_.substr(start, pos_ - start);
  }

  // Skips whitespace, then requires `keyword` followed by a delimiter, whitespace or the end.
  bool Keyword(std::string_view keyword) {
    SkipWhiteAndComments();
    const std::size_t start = pos_;
    if (Regular() == keyword) return true;
    pos_ = start;
    return false;
  }

  std::uint64_t UnsignedInteger() {
    SkipWhiteAndComments();
    std::string_view digits = Regular();
    if (digits.empty() || digits.size() > 12) Give();
    std::uint64_t value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') Give();
      value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
  }

  Value Parse(int depth) {
    if (depth > kMaxDepth) Give();
    SkipWhiteAndComments();
    if (AtEnd()) Give();
    const char c = data_[pos_];
    Value value;
    if (c == '/') {
      ++pos_;
      value.kind = Value::Kind::kName;
      value.text = NameText();
    } else if (c == '(') {
      value.kind = Value::Kind::kString;
      value.text = LiteralString();
    } else if (c == '<' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '<') {
      pos_ += 2;
      value.kind = Value::Kind::kDict;
      for (;;) {
        SkipWhiteAndComments();
        if (AtEnd()) Give();
        if (data_[pos_] == '>') {
          if (pos_ + 1 >= data_.size() || data_[pos_ + 1] != '>') Give();
          pos_ += 2;
          break;
        }
        if (data_[pos_] != '/') Give();
        ++pos_;
        std::string key = NameText();
        Value item = Parse(depth + 1);
        if (value.entries.size() >= kMaxItems) Give();
        value.entries.emplace_back(std::move(key), std::move(item));
      }
    } else if (c == '<') {
      value.kind = Value::Kind::kString;
      value.text = HexString();
    } else if (c == '[') {
      ++pos_;
      value.kind = Value::Kind::kArray;
      for (;;) {
        SkipWhiteAndComments();
        if (AtEnd()) Give();
        if (data_[pos_] == ']') {
          ++pos_;
          break;
        }
        Value item = Parse(depth + 1);
        if (value.items.size() >= kMaxItems) Give();
        value.items.push_back(std::move(item));
      }
    } else if (IsDelimiter(c)) {
      Give();  // ')', '>', ']', '{', '}' out of place
    } else {
      std::string_view word = Regular();
      if (word == "true" || word == "false") {
        value.kind = Value::Kind::kBool;
        value.text = std::string(word);
      } else if (word == "null") {
        value.kind = Value::Kind::kNull;
      } else if (IsNumber(word)) {
        value.kind = Value::Kind::kNumber;
        value.text = std::string(word);
        if (value.IsInteger() && word[0] != '+' && word[0] != '-') TryReference(value);
      } else {
        Give();  // an unknown keyword (e.g. "stream" with no dictionary before it)
      }
    }
    return value;
  }

 private:
  static bool IsNumber(std::string_view word) {
    if (word.empty()) return false;
    std::size_t i = word[0] == '+' || word[0] == '-' ? 1 : 0;
    bool digits = false;
    bool dot = false;
    for (; i < word.size(); ++i) {
      if (word[i] >= '0' && word[i] <= '9') {
        digits = true;
      } else if (word[i] == '.' && !dot) {
        dot = true;
      } else {
        return false;
      }
    }
    return digits;
  }

  // After an unsigned integer: "G R" makes it a reference.
  void TryReference(Value& value) {
    const std::size_t after = pos_;
    SkipWhiteAndComments();
    std::string_view gen = Regular();
    bool gen_ok = !gen.empty() && gen.size() <= 5;
    for (char ch : gen) gen_ok = gen_ok && ch >= '0' && ch <= '9';
    if (gen_ok) {
      SkipWhiteAndComments();
      if (Regular() == "R") {
        if (value.text.size() > 10) Give();
        const std::uint64_t num = std::stoull(value.text);
        if (num > std::numeric_limits<std::uint32_t>::max()) Give();
        value.kind = Value::Kind::kRef;
        value.num = static_cast<std::uint32_t>(num);
        value.gen = static_cast<std::uint32_t>(std::stoul(std::string(gen)));
        return;
      }
    }
    pos_ = after;
  }

  std::string NameText() {
    std::string out;
    while (pos_ < data_.size() && !IsWhite(data_[pos_]) && !IsDelimiter(data_[pos_])) {
      const char c = data_[pos_++];
      if (c == '#') {
        if (pos_ + 1 >= data_.size()) Give();
        const int high = HexValue(data_[pos_]);
        const int low = HexValue(data_[pos_ + 1]);
        if (high < 0 || low < 0) Give();
        out += static_cast<char>(high * 16 + low);
        pos_ += 2;
      } else {
        out += c;
      }
    }
    return out;
  }

  std::string LiteralString() {
    ++pos_;  // '('
    std::string out;
    int open = 1;
    while (pos_ < data_.size()) {
      const char c = data_[pos_++];
      if (c == '\\') {
        if (pos_ >= data_.size()) Give();
        const char e = data_[pos_++];
        switch (e) {
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case '(':
          case ')':
          case '\\':
            out += e;
            break;
          case '\r':
            if (pos_ < data_.size() && data_[pos_] == '\n') ++pos_;
            break;
          case '\n':
            break;
          default:
            if (e >= '0' && e <= '7') {
              int code = e - '0';
              for (int k = 0;
                   k < 2 && pos_ < data_.size() && data_[pos_] >= '0' && data_[pos_] <= '7'; ++k) {
                code = code * 8 + (data_[pos_++] - '0');
              }
              out += static_cast<char>(code & 0xFF);
            } else {
              out += e;  // an unknown escape: the backslash is dropped
            }
        }
      } else if (c == '(') {
        ++open;
        out += c;
      } else if (c == ')') {
        if (--open == 0) return out;
        out += c;
      } else {
        out += c;
      }
    }
    Give();  // unterminated
  }

  std::string HexString() {
    ++pos_;  // '<'
    std::string out;
    int high = -1;
    while (pos_ < data_.size()) {
      const char c = data_[pos_++];
      if (c == '>') {
        if (high >= 0) out += static_cast<char>(high * 16);
        return out;
      }
      if (IsWhite(c)) continue;
      const int digit = HexValue(c);
      if (digit < 0) Give();
      if (high < 0) {
        high = digit;
      } else {
        out += static_cast<char>(high * 16 + digit);
        high = -1;
      }
    }
    Give();
  }

  std::string_view data_;
  std::size_t pos_;
};

struct Entry {
  std::uint64_t offset = 0;
  std::uint32_t gen = 0;
  bool in_use = false;
};

struct Object {
  Value value;
  bool has_stream = false;
  std::string_view stream;  // the raw (encoded) bytes
};

class Reader {
 public:
  explicit Reader(std::string_view pdf) : pdf_(pdf) {}

  // Reads the cross-reference sections from the last startxref down the /Prev chain.
  void ReadXref() {
    // As PoDoFo: the last %%EOF, and the startxref shortly before it.
    const std::size_t eof = pdf_.rfind("%%EOF");
    if (eof == std::string_view::npos) Give();
    const std::size_t at = pdf_.rfind("startxref", eof);
    if (at == std::string_view::npos || eof - at > 512) Give();
    Lexer lexer(pdf_, at + 9);
    std::uint64_t offset = lexer.UnsignedInteger();
    std::set<std::uint64_t> seen;
    bool newest = true;
    for (int sections = 0;; ++sections) {
      if (sections >= kMaxSections || offset >= pdf_.size() || !seen.insert(offset).second) {
        Give();
      }
      Lexer section(pdf_, static_cast<std::size_t>(offset));
      if (!section.Keyword("xref")) Give();  // a cross-reference stream: PoDoFo's business
      for (;;) {
        section.SkipWhiteAndComments();
        if (section.Keyword("trailer")) break;
        const std::uint64_t first = section.UnsignedInteger();
        const std::uint64_t count = section.UnsignedInteger();
        if (count > pdf_.size() / 18 + 1 ||
            first + count > std::numeric_limits<std::uint32_t>::max()) {
          Give();
        }
        for (std::uint64_t i = 0; i < count; ++i) {
          Entry entry;
          entry.offset = section.UnsignedInteger();
          const std::uint64_t gen = section.UnsignedInteger();
          if (gen > 65535) Give();
          entry.gen = static_cast<std::uint32_t>(gen);
          section.SkipWhiteAndComments();
          std::string_view type = section.Regular();
          if (type == "n") {
            entry.in_use = true;
          } else if (type != "f") {
            Give();
          }
          // The newest section read first wins; older ones only fill gaps.
          entries_.emplace(static_cast<std::uint32_t>(first + i), entry);
        }
      }
      Value trailer = section.Parse(0);
      if (trailer.kind != Value::Kind::kDict) Give();
      if (trailer.Get("Encrypt") != nullptr || trailer.Get("XRefStm") != nullptr) Give();
      if (newest) {
        const Value* root = trailer.Get("Root");
        if (root == nullptr || root->kind != Value::Kind::kRef) Give();
        root_ = *root;
        newest = false;
      }
      const Value* prev = trailer.Get("Prev");
      if (prev == nullptr) break;
      if (!prev->IsInteger() || prev->text[0] == '-' || prev->text.size() > 12) Give();
      offset = std::stoull(prev->text);
    }
  }

  const Value& root() const { return root_; }

  // The object a reference names (with its stream, if any). Cached: each object parsed once.
  const Object& Load(const Value& ref) {
    if (ref.kind != Value::Kind::kRef) Give();
    auto cached = cache_.find(ref.num);
    if (cached != cache_.end()) {
      if (cached->second.second != ref.gen) Give();
      return cached->second.first;
    }
    auto it = entries_.find(ref.num);
    if (it == entries_.end() || !it->second.in_use || it->second.gen != ref.gen ||
        it->second.offset >= pdf_.size()) {
      Give();
    }
    if (!loading_.insert(ref.num).second) Give();  // /Length pointing back at its own object
    Lexer lexer(pdf_, static_cast<std::size_t>(it->second.offset));
    if (lexer.UnsignedInteger() != ref.num || lexer.UnsignedInteger() != ref.gen ||
        !lexer.Keyword("obj")) {
      Give();
    }
    Object object;
    object.value = lexer.Parse(0);
    if (lexer.Keyword("stream")) {
      if (object.value.kind != Value::Kind::kDict) Give();
      std::size_t start = lexer.pos();
      if (start < pdf_.size() && pdf_[start] == '\r') ++start;
      if (start >= pdf_.size() || pdf_[start] != '\n') Give();
      ++start;
      const Value* length = object.value.Get("Length");
      if (length != nullptr && length->kind == Value::Kind::kRef) length = &Load(*length).value;
      if (length == nullptr || !length->IsInteger() || length->text[0] == '-' ||
          length->text.size() > 12) {
        Give();
      }
      const std::uint64_t size = std::stoull(length->text);
      if (size > pdf_.size() - start) Give();
      Lexer after(pdf_, start + static_cast<std::size_t>(size));
      if (!after.Keyword("endstream")) Give();
      object.has_stream = true;
      object.stream = pdf_.substr(start, static_cast<std::size_t>(size));
    } else if (!lexer.Keyword("endobj")) {
      Give();
    }
    loading_.erase(ref.num);
    auto placed = cache_.emplace(ref.num, std::make_pair(std::move(object), ref.gen));
    return placed.first->second.first;
  }

  // A direct value, or the value of the object a reference names.
  const Value& Resolve(const Value& value) {
    return value.kind == Value::Kind::kRef ? Load(value).value : value;
  }

 private:
  std::string_view pdf_;
  std::map<std::uint32_t, Entry> entries_;
  std::map<std::uint32_t, std::pair<Object, std::uint32_t>> cache_;
  std::set<std::uint32_t> loading_;
  Value root_;
};

// PoDoFo's PdfNamesTree::AddToDictionary: /Kids (if present) are walked, else /Names pairs are
// added by key, a later key replacing an earlier one; a trailing key without a value is dropped.
void CollectNames(Reader& reader, const Value& node, int depth, int& visited,
                  std::map<std::string, const Value*>& out) {
  if (depth > kMaxDepth || ++visited > kMaxTreeNodes) Give();
  if (node.kind != Value::Kind::kDict) Give();
  if (const Value* kids = node.Get("Kids")) {
    if (kids->kind != Value::Kind::kArray) Give();
    for (const Value& kid : kids->items) {
      if (kid.kind != Value::Kind::kRef) Give();
      CollectNames(reader, reader.Load(kid).value, depth + 1, visited, out);
    }
    return;
  }
  const Value* names = node.Get("Names");
  if (names == nullptr) return;
  if (names->kind != Value::Kind::kArray) Give();
  for (std::size_t i = 0; i + 1 < names->items.size(); i += 2) {
    const Value& key = names->items[i];
    if (key.kind != Value::Kind::kString || key.text.empty()) Give();
    for (char c : key.text) {
      // PoDoFo turns text strings (UTF-16, PDFDocEncoding beyond ASCII) into names its own way.
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) Give();
    }
    out[key.text] = &names->items[i + 1];
  }
}

std::string Inflate(std::string_view data, std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit(&stream) != Z_OK) Give();
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) break;
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
  }
  const bool clean = rc == Z_STREAM_END && stream.avail_in == 0 && out.size() <= max_bytes;
  inflateEnd(&stream);
  if (!clean) Give();
  return out;
}

bool EndsWithXml(const std::string& name) {
  return name.size() >= 4 && name.compare(name.size() - 4, 4, ".xml") == 0;
}

}  // namespace

std::optional<std::string> EmbeddedFormXml(std::string_view pdf, std::size_t max_bytes) {
  if (pdf.size() > (std::uint64_t{1} << 40)) return std::nullopt;
  try {
    Reader reader(pdf);
    reader.ReadXref();
    const Value& catalog = reader.Resolve(reader.root());
    if (catalog.kind != Value::Kind::kDict) return std::nullopt;
    const Value* names_ref = catalog.Get("Names");
    if (names_ref == nullptr) return std::nullopt;
    const Value& names = reader.Resolve(*names_ref);
    if (names.kind != Value::Kind::kDict) return std::nullopt;
    const Value* files_ref = names.Get("EmbeddedFiles");
    if (files_ref == nullptr) return std::nullopt;
    std::map<std::string, const Value*> files;
    int visited = 0;
    CollectNames(reader, reader.Resolve(*files_ref), 0, visited, files);

    const Object* chosen = nullptr;
    for (const auto& [name, value] : files) {
      if (!EndsWithXml(name)) continue;
      const Value& spec = reader.Resolve(*value);
      if (spec.kind != Value::Kind::kDict) continue;
      const Value* ef_ref = spec.Get("EF");
      if (ef_ref == nullptr) continue;
      const Value& ef = reader.Resolve(*ef_ref);
      if (ef.kind != Value::Kind::kDict) continue;
      const Value* file_ref = ef.Get("F");
      if (file_ref == nullptr) continue;
      if (file_ref->kind != Value::Kind::kRef) continue;  // a direct dictionary has no stream
      const Object& file = reader.Load(*file_ref);
      if (!file.has_stream) continue;
      const Value* relationship = spec.Get("AFRelationship");
      const bool is_source = relationship != nullptr && relationship->kind == Value::Kind::kName &&
                             relationship->text == "Source";
      if (chosen == nullptr || is_source) chosen = &file;
      if (is_source) break;
    }
    if (chosen == nullptr) return std::nullopt;

    const Value* filter = chosen->value.Get("Filter");
    if (chosen->value.Get("DecodeParms") != nullptr || chosen->value.Get("F") != nullptr) {
      return std::nullopt;  // predictors, external files: PoDoFo's business
    }
    if (filter != nullptr && filter->kind == Value::Kind::kRef) return std::nullopt;
    if (filter == nullptr || (filter->kind == Value::Kind::kArray && filter->items.empty())) {
      if (chosen->stream.size() > max_bytes) return std::nullopt;
      return std::string(chosen->stream);
    }
    const Value* only = filter;
    if (filter->kind == Value::Kind::kArray) {
      if (filter->items.size() != 1) return std::nullopt;
      only = &filter->items[0];
    }
    if (only->kind != Value::Kind::kName || only->text != "FlateDecode") return std::nullopt;
    return Inflate(chosen->stream, max_bytes);
  } catch (const Unsure&) {
    return std::nullopt;
  } catch (const std::exception&) {  // std::stoull and friends, bad_alloc
    return std::nullopt;
  }
}

}  // namespace sealflow::forms::pdfscan
