// Copyright sealflow authors.
#include "signing/prepared.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <map>

#include "difference.h"
#include "pdf_util.h"
#include "revision.h"

namespace sealflow::signing {
namespace {

using PoDoFo::PdfObject;

constexpr int kMaxParentDepth = 32;

// `key` of a terminal field, inherited through /Parent where the field itself lacks it.
PdfObject* Inherited(PoDoFo::PdfVecObjects& objects, PdfObject* field, const char* key) {
  for (int depth = 0; field != nullptr && depth < kMaxParentDepth; ++depth) {
    if (PdfObject* value = pdf::Get(objects, field, key)) return value;
    field = pdf::Get(objects, field, "Parent");
  }
  return nullptr;
}

struct FieldState {
  bool is_signature = false;
  bool has_value = false;
  std::string value;  // the serialised /V
  PdfObject* value_object = nullptr;
};

std::map<std::string, FieldState> FieldsOf(PoDoFo::PdfMemDocument& doc) {
  std::map<std::string, FieldState> out;
  PoDoFo::PdfVecObjects& objects = doc.GetObjects();
  pdf::ForEachField(doc, [&](const std::string& name, PdfObject* field) {
    FieldState state;
    PdfObject* type = Inherited(objects, field, "FT");
    state.is_signature = type != nullptr && type->IsName() && type->GetName() == "Sig";
    state.value_object = Inherited(objects, field, "V");
    state.has_value = state.value_object != nullptr && !state.value_object->IsNull();
    if (state.has_value) state.value_object->ToString(state.value);
    out[name] = std::move(state);
  });
  return out;
}

UploadCheck Refuse(UploadCheck check, std::string reason) {
  check.accepted = false;
  check.reason = std::move(reason);
  return check;
}

UploadCheck Check(std::string_view prepared, std::string_view uploaded,
                  const std::string& expected_field) {
  pdf::QuietPodofo();
  UploadCheck check;
  if (prepared.substr(0, std::min<std::size_t>(prepared.size(), 1024)).find("%PDF-") ==
      std::string_view::npos) {
    return Refuse(check, "准备的文档不是 PDF / the prepared document is not a PDF");
  }
  if (uploaded.size() <= prepared.size() || uploaded.compare(0, prepared.size(), prepared) != 0) {
    return Refuse(check,
                  "上传的文件不是以准备的文档原样开头（文档被重新生成、另存或修改）/ the upload "
                  "does not begin with the prepared document byte for byte (re-rendered, re-saved "
                  "or altered)");
  }
  const pdf::RevisionScan before_scan = pdf::FindRevisions(prepared);
  if (before_scan.revisions.empty() || before_scan.too_many || before_scan.trailing_garbage) {
    return Refuse(check,
                  "准备的文档结构无效 / the prepared document's structure is invalid (no revision, "
                  "too many, or bytes after its last %%EOF)");
  }
  const pdf::RevisionScan after_scan = pdf::FindRevisions(uploaded);
  const std::size_t before_count = before_scan.revisions.size();
  if (after_scan.too_many || after_scan.trailing_garbage ||
      after_scan.revisions.size() != before_count + 1 ||
      after_scan.revisions[before_count - 1].eof_end != before_scan.revisions.back().eof_end) {
    const std::size_t updates =
        after_scan.revisions.size() > before_count ? after_scan.revisions.size() - before_count : 0;
    return Refuse(check, "签名须是准备的文档之后恰好一个增量更新（发现 " + std::to_string(updates) +
                             " 个，或末尾有多余数据）/ the signature must be exactly one "
                             "incremental update after the prepared document (found " +
                             std::to_string(updates) + ", or bytes after the last %%EOF)");
  }

  PoDoFo::PdfMemDocument before, after;
  before.LoadFromDevice(pdf::InputDeviceOver(prepared), /*bForUpdate=*/false);
  after.LoadFromDevice(pdf::InputDeviceOver(uploaded), /*bForUpdate=*/false);
  const std::map<std::string, FieldState> before_fields = FieldsOf(before);
  const std::map<std::string, FieldState> after_fields = FieldsOf(after);

  // Exactly one signature field gained a value.
  std::vector<std::string> signed_now;
  for (const auto& [name, state] : after_fields) {
    if (!state.is_signature || !state.has_value) continue;
    auto old = before_fields.find(name);
    if (old == before_fields.end() || !old->second.has_value) signed_now.push_back(name);
  }
  if (signed_now.size() != 1) {
    return Refuse(check, "上传的文件须恰好新增一个签名（发现 " + std::to_string(signed_now.size()) +
                             " 个）/ the upload must add exactly one signature (found " +
                             std::to_string(signed_now.size()) + ")");
  }
  check.field_name = signed_now[0];
  if (!expected_field.empty() && check.field_name != expected_field) {
    return Refuse(check, "签名在签名域 " + check.field_name + " 中，而不是指定的 " +
                             expected_field + " / the signature is in field " + check.field_name +
                             ", not in the prepared field " + expected_field);
  }

  // Its ByteRange: from 0, the gap inside the update, to the end of the upload.
  PoDoFo::PdfVecObjects& objects = after.GetObjects();
  PdfObject* range = pdf::Get(objects, after_fields.at(check.field_name).value_object, "ByteRange");
  std::int64_t br[4] = {-1, -1, -1, -1};
  if (range != nullptr && range->IsArray() && range->GetArray().size() == 4) {
    for (std::size_t k = 0; k < 4; ++k) {
      const PdfObject& item = range->GetArray()[k];
      if (item.IsNumber()) br[k] = item.GetNumber();
    }
  }
  const auto prepared_size = static_cast<std::int64_t>(prepared.size());
  const auto uploaded_size = static_cast<std::int64_t>(uploaded.size());
  if (br[0] != 0 || br[1] < prepared_size || br[2] <= br[1] || br[3] < 0 || br[2] > uploaded_size ||
      br[3] != uploaded_size - br[2]) {
    return Refuse(check,
                  "签名范围须覆盖整个上传文件（仅除去签名值本身）/ the signature's /ByteRange must "
                  "cover the whole upload except its own /Contents, which must lie in the update");
  }

  // No other field added, removed or changed (form filling included).
  for (const auto& [name, state] : after_fields) {
    if (name == check.field_name) continue;
    auto old = before_fields.find(name);
    if (old == before_fields.end()) {
      return Refuse(check, "更新中新增了表单域 " + name + " / the update adds the field " + name);
    }
    if (old->second.has_value != state.has_value || old->second.value != state.value) {
      return Refuse(check, "更新修改了表单域 " + name + " 的值 / the update changes the value of " +
                               "the field " + name);
    }
  }
  for (const auto& [name, state] : before_fields) {
    if (after_fields.count(name) == 0) {
      return Refuse(check, "更新删除了表单域 " + name + " / the update removes the field " + name);
    }
  }

  // Everything else the update changed must be what a signature brings.
  const pdf::DiffOutcome outcome = pdf::CompareRevisions(before, after);
  if (!outcome.disallowed.empty()) {
    std::string reason =
        "更新中除签名外还有不允许的修改 / the update changes more than the signature:";
    for (const pdf::ObjectChange& change : outcome.disallowed) {
      check.modifications.push_back({change.object, change.change});
      if (check.modifications.size() <= 8) {
        reason += (check.modifications.size() > 1 ? "; " : " ") +
                  (change.object != 0 ? "obj " + std::to_string(change.object) + " " : "") +
                  change.change;
      }
    }
    if (check.modifications.size() > 8) reason += "; …";
    return Refuse(check, reason);
  }
  check.accepted = true;
  return check;
}

}  // namespace

UploadCheck CheckSignedUpload(std::string_view prepared, std::string_view uploaded,
                              const std::string& expected_field) {
  try {
    return Check(prepared, uploaded, expected_field);
  } catch (const PoDoFo::PdfError& e) {
    return Refuse(UploadCheck{}, "PDF 结构损坏，无法检查 / damaged PDF structure, cannot check (" +
                                     pdf::Describe(e) + ")");
  } catch (const std::exception& e) {
    return Refuse(UploadCheck{},
                  std::string("无法检查上传的文件 / cannot check the upload: ") + e.what());
  }
}

}  // namespace sealflow::signing
