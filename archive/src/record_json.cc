// Copyright sealflow authors.
#include "record_json.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "archive/error.h"
#include "archive/store.h"

namespace sealflow::archive {
namespace internal {
namespace {

Poco::JSON::Array::Ptr SignersArray(const std::vector<std::string>& signers) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const std::string& signer : signers) array->add(signer);
  return array;
}

}  // namespace

std::string SignersToJson(const std::vector<std::string>& signers) {
  std::ostringstream out;
  SignersArray(signers)->stringify(out);
  return out.str();
}

std::vector<std::string> SignersFromJson(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    Poco::JSON::Array::Ptr array = parser.parse(text).extract<Poco::JSON::Array::Ptr>();
    std::vector<std::string> signers;
    signers.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i) {
      Poco::Dynamic::Var item = array->get(static_cast<unsigned int>(i));
      if (!item.isString()) throw Poco::DataFormatException("signer is not a string");
      signers.push_back(item.extract<std::string>());
    }
    return signers;
  } catch (const Poco::Exception& e) {
    throw ArchiveError(ArchiveErrorCode::kCatalog, "bad signers column: " + e.displayText());
  }
}

}  // namespace internal

std::string RecordToJson(const DocumentRecord& record) {
  // Key order is part of the API (clients diff these): keep insertion order.
  Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
  object.set("id", record.id);
  object.set("formType", record.form_type);
  object.set("documentId", record.document_id);
  object.set("partyKind", record.party_kind);
  object.set("partyCode", record.party_code);
  object.set("partyName", record.party_name);
  object.set("phase", std::string(PhaseName(record.phase)));
  object.set("sha256", record.sha256);
  object.set("size", static_cast<Poco::UInt64>(record.size));
  object.set("signers", internal::SignersArray(record.signers));
  object.set("verdict", record.verdict);
  object.set("storedAt", record.stored_at);
  object.set("supersedes", record.supersedes);
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

}  // namespace sealflow::archive
