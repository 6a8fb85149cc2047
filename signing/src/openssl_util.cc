// Copyright sealflow authors.
#include "openssl_util.h"

#include <openssl/objects.h>

namespace sealflow::signing::ossl {

std::string DrainErrors() {
  std::string out;
  const char* file = nullptr;
  const char* func = nullptr;
  int line = 0;
  unsigned long code;
  while ((code = ERR_get_error_all(&file, &line, &func, nullptr, nullptr)) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!out.empty()) out += "; ";
    out += buffer;
  }
  return out;
}

BioPtr MemoryBio(std::string_view data) {
  // BIO_new_mem_buf takes an int length; our inputs (keys, certificates) are far below 2 GiB.
  Check(data.size() <= 0x7fffffff, SigningErrorCode::kArgument, "input too large");
  return BioPtr(CheckPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())),
                         SigningErrorCode::kCrypto, "BIO_new_mem_buf"));
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  if (length <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<std::size_t>(length));
}

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return {};
  BioPtr bio(CheckPtr(BIO_new(BIO_s_mem()), SigningErrorCode::kCrypto, "BIO_new"));
  // RFC 2253 with UTF-8 output instead of \XX escapes for non-ASCII characters.
  const unsigned long flags = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  Check(X509_NAME_print_ex(bio.get(), name, 0, flags) >= 0, SigningErrorCode::kCrypto,
        "X509_NAME_print_ex");
  return BioContents(bio.get());
}

std::string NameEntry(const X509_NAME* name, int nid) {
  if (name == nullptr) return {};
  int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) {
    ERR_clear_error();
    return {};
  }
  OpenSslBytes owner(utf8);
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
}

}  // namespace sealflow::signing::ossl
