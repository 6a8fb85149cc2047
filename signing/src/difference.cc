// Copyright sealflow authors.
#include "difference.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
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

// True when `a` (from the signed revision) and `b` (from the whole document) were parsed from the
// same bytes: both are top-level parser objects at the same file offset, and the signed revision
// is a prefix of the document, so they read the same "n g obj ... endobj" text. The one input a
// parse takes from elsewhere is an indirect stream /Length, which each document resolves on its
// own; such streams are compared byte for byte instead. Objects from object streams are plain
// PdfObjects and always compared. This spares serialising every unchanged object (the embedded
// fonts, most of all) for each signature, and, since only `b` is looked into (the whole
// document, parsed once for all the signatures), parsing it in each signed revision at all.
bool SameParsedBytes(PdfObject* a, PdfObject* b) {
  auto* pa = dynamic_cast<PoDoFo::PdfParserObject*>(a);
  auto* pb = dynamic_cast<PoDoFo::PdfParserObject*>(b);
  if (pa == nullptr || pb == nullptr || pa->GetOffset() <= 0 ||
      pa->GetOffset() != pb->GetOffset()) {
    return false;
  }
  // IsDictionary() completes the (delayed) parse of the object itself, not of its stream data.
  if (!b->IsDictionary()) return true;
  if (!pb->HasStreamToParse() && !b->HasStream()) return true;
  const PdfObject* length = b->GetDictionary().GetKey(PoDoFo::PdfName::KeyLength);
  return length != nullptr && length->IsNumber();
}

bool SameObject(PdfObject* a, PdfObject* b) {
  if (SameParsedBytes(a, b)) return true;
  if (Text(a) != Text(b)) return false;
  if (a->HasStream() != b->HasStream()) return false;
  return !a->HasStream() || StreamBytes(a) == StreamBytes(b);
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

// One parsed document, indexed by object number.
class Doc {
 public:
  explicit Doc(PdfMemDocument& doc) : doc_(doc), objects_(doc.GetObjects()) {
    const PdfObject* info = doc.GetTrailer()->GetDictionary().GetKey("Info");
    const Num invented =
        info != nullptr && info->IsReference() ? info->GetReference().ObjectNumber() : 0;
    for (PdfObject* object : objects_) {
      const Num num = object->Reference().ObjectNumber();
      // PoDoFo invents an Info dictionary for a file without one; it is not in the file.
      if (num == invented && object->IsDirty()) continue;
      by_num_[num] = object;
    }
  }

  PdfObject* At(Num num) const {
    auto it = by_num_.find(num);
    return it == by_num_.end() ? nullptr : it->second;
  }
  const std::map<Num, PdfObject*>& all() const { return by_num_; }
  PdfObject* Resolve(PdfObject* object) const { return pdf::Resolve(objects_, object); }
  PdfObject* Get(PdfObject* dict, const char* key) const { return pdf::Get(objects_, dict, key); }
  const PdfObject* Trailer() const { return doc_.GetTrailer(); }
  Num TrailerRef(const char* key) const {
    const PdfObject* value = Trailer()->GetDictionary().GetKey(key);
    return value != nullptr && value->IsReference() ? value->GetReference().ObjectNumber() : 0;
  }
  PdfObject* Catalog() const { return At(TrailerRef("Root")); }

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
        RefsIn(*object, todo);
      }
    }
    return seen;
  }

 private:
  PdfMemDocument& doc_;
  PoDoFo::PdfVecObjects& objects_;
  std::map<Num, PdfObject*> by_num_;
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
    if (Text(item) != Text(b->GetDictionary().GetKey(key))) keys.insert(key.GetName());
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
      : old_(old_doc), new_(doc), out_(out) {}

  void Run() {
    out_.docmdp = DocMdpLevel(old_);
    const Num root = new_.TrailerRef("Root");
    if (root == 0 || root != old_.TrailerRef("Root")) {
      Flag(0, "文档目录被替换 / the trailer's /Root (document catalog) was replaced");
      return;
    }
    Classify(root);
    std::set<Num> changed;
    for (const auto& [num, object] : new_.all()) {
      PdfObject* before = old_.At(num);
      if (before != nullptr && !SameObject(before, object)) changed.insert(num);
    }
    for (Num num : changed) CheckChanged(num, old_.At(num), new_.At(num));
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

  bool IsNew(Num num) const { return old_.At(num) == nullptr && new_.At(num) != nullptr; }

  // Objects that only hold other objects (compared on their own) and are drawn by nothing.
  bool Structural(const Doc& doc, Num num, PdfObject* object) const {
    const std::string type = NameOf(doc.Get(object, "Type"));
    return (type == "XRef" || type == "ObjStm") && content_.count(num) == 0;
  }

  // Added objects reachable from `roots`.
  void AllowNewFrom(const std::vector<Num>& roots) {
    for (Num num : new_.Reach(roots)) {
      if (IsNew(num)) allowed_new_.insert(num);
    }
  }
  void AllowNewFromValue(PdfObject* value) {
    if (value == nullptr) return;
    std::vector<Num> roots;
    RefsIn(*value, roots);
    AllowNewFrom(roots);
  }

  void Classify(Num root) {
    new_fields_ = Fields(new_);
    old_fields_ = Fields(old_);
    content_ = new_.Reach({root}, root, "DSS");

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

    for (const auto& [num, field] : new_fields_.fields) {
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

    PdfObject* catalog = new_.Catalog();
    AllowNewFromValue(catalog->GetDictionary().GetKey("DSS"));
    std::vector<Num> dss_roots;
    if (const PdfObject* dss = catalog->GetDictionary().GetKey("DSS")) RefsIn(*dss, dss_roots);
    for (Num num : new_.Reach(dss_roots)) {
      if (content_.count(num) == 0) dss_.insert(num);
    }
    info_ = new_.TrailerRef("Info");
    if (content_.count(info_) != 0) info_ = 0;

    if (PdfObject* acroform = catalog->GetDictionary().GetKey("AcroForm");
        acroform != nullptr && acroform->IsReference()) {
      acroform_ = acroform->GetReference().ObjectNumber();
    }
    if (PdfObject* form = new_.Get(catalog, "AcroForm"); form != nullptr && form->IsDictionary()) {
      const PdfObject* value = form->GetDictionary().GetKey("Fields");
      if (value != nullptr && value->IsReference()) {
        fields_array_ = value->GetReference().ObjectNumber();
      }
    }
    for (const auto& [num, object] : new_.all()) {
      if (NameOf(new_.Get(object, "Type")) != "Page") continue;
      const PdfObject* annots = object->GetDictionary().GetKey("Annots");
      if (annots != nullptr && annots->IsReference()) {
        annots_arrays_.insert(annots->GetReference().ObjectNumber());
      }
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
    auto field_of = new_fields_.fields.count(num) != 0 ? num : 0;
    if (field_of == 0) {
      auto it = new_fields_.widget_field.find(num);
      if (it != new_fields_.widget_field.end()) field_of = it->second;
    }
    const bool fillable = filled_.count(field_of) != 0;
    const bool is_field = field_of == num;
    for (const std::string& key : keys) {
      const bool ok =
          fillable && (key == "AP" || key == "M" || key == "AS" || (is_field && key == "V"));
      if (!ok) {
        const auto& field = new_fields_.fields[field_of];
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
    } else if (num == acroform_) {
      problem = AcroFormDict(before, after);
    } else if (num == fields_array_) {
      problem = ArrayGrows(before, after, new_sig_fields_, "/Fields");
    } else if (annots_arrays_.count(num) != 0) {
      problem = ArrayGrows(before, after, new_sig_widgets_, "/Annots");
    } else if (NameOf(new_.Get(after, "Type")) == "Page" &&
               NameOf(old_.Get(before, "Type")) == "Page") {
      problem = Page(before, after);
    } else if (new_fields_.fields.count(num) != 0 || new_fields_.widget_field.count(num) != 0) {
      problem = FieldOrWidget(num, before, after);
    } else if (dss_.count(num) != 0 || (num == info_ && info_ != 0)) {
      problem = "";
    }
    if (problem == "?") {
      const auto keys = ChangedKeys(before, after);
      problem = "已修改 / changed: " + Describe(new_, after) + " " + KeyList(keys);
    }
    if (!problem.empty()) Flag(num, problem);
  }

  void CheckAdded(Num num, PdfObject* object) {
    if (allowed_new_.count(num) != 0 || approved_new_.count(num) != 0 || dss_.count(num) != 0 ||
        num == info_ || Structural(new_, num, object)) {
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
      // whole document's copy, which is parsed already.
      PdfObject* now = new_.At(num);
      RefsIn(now != nullptr && SameParsedBytes(object, now) ? *now : *object, refs);
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
  DiffOutcome& out_;
  FieldTree new_fields_, old_fields_;
  std::set<Num> content_;  // reachable from the catalog, /DSS not followed
  std::set<Num> dss_;      // reachable from /DSS only
  Num info_ = 0;           // the Info dictionary, if only the trailer names it
  Num acroform_ = 0, fields_array_ = 0;
  std::set<Num> annots_arrays_;
  std::set<Num> new_sig_fields_, new_sig_widgets_, filled_;
  std::set<Num> allowed_new_;           // added objects a permitted change brings
  std::set<Num> approved_new_;          // added containers approved by the rules
  std::map<Num, std::string> refused_;  // why a new field was not accepted
};

}  // namespace

DiffOutcome CompareRevisions(PdfMemDocument& signed_revision, PdfMemDocument& document) {
  const Doc old_doc(signed_revision);
  const Doc new_doc(document);
  DiffOutcome out;
  Analysis(old_doc, new_doc, out).Run();
  return out;
}

}  // namespace sealflow::signing::pdf
