// Copyright sealflow authors.
#include "signing/credentials.h"

#include <openssl/objects.h>
#include <openssl/pem.h>

#include <fstream>
#include <sstream>

#include "credentials_impl.h"
#include "openssl_util.h"
#include "signing/error.h"

namespace sealflow::signing {
namespace {

using ossl::Check;
using ossl::CheckPtr;
constexpr auto kCred = SigningErrorCode::kCredentials;

std::string ReadWholeFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw SigningError(SigningErrorCode::kCredentials,
                       std::string("cannot read ") + what + " " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// PEM callback handing over the password; an empty password yields no password at all, so an
// encrypted key with no password given fails instead of prompting on the terminal.
int PasswordCallback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* password = static_cast<const std::string*>(user);
  if (password == nullptr || password->empty() || size <= 0) return 0;
  const auto length =
      static_cast<int>(std::min<std::size_t>(password->size(), static_cast<std::size_t>(size)));
  password->copy(buffer, static_cast<std::size_t>(length));
  return length;
}

ossl::X509StackPtr ReadCertificates(std::string_view pem, const char* what) {
  ossl::X509StackPtr stack(
      CheckPtr(sk_X509_new_null(), SigningErrorCode::kCrypto, "sk_X509_new_null"));
  if (pem.empty()) return stack;
  ossl::BioPtr bio = ossl::MemoryBio(pem);
  while (true) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    if (sk_X509_push(stack.get(), cert) <= 0) {
      X509_free(cert);
      Check(false, SigningErrorCode::kCrypto, "sk_X509_push");
    }
  }
  // The loop ends with PEM_R_NO_START_LINE at the end of the input; anything else is an error.
  unsigned long error = ERR_peek_last_error();
  if (error != 0 &&
      !(ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE &&
        sk_X509_num(stack.get()) > 0)) {
    Check(false, kCred, std::string("cannot parse ") + what);
  }
  ERR_clear_error();
  Check(sk_X509_num(stack.get()) > 0, kCred, std::string("no certificate in ") + what);
  return stack;
}

void CheckKeyMatches(const Credentials::Impl& impl) {
  Check(X509_check_private_key(impl.certificate.get(), impl.key.get()) == 1, kCred,
        "the private key does not match the signer certificate");
}

}  // namespace

Credentials::Credentials(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Credentials::Credentials(Credentials&&) noexcept = default;
Credentials& Credentials::operator=(Credentials&&) noexcept = default;
Credentials::~Credentials() = default;

Credentials Credentials::FromPem(const std::string& key_path, const std::string& cert_path,
                                 const std::string& chain_path, const std::string& password) {
  return FromPemText(
      ReadWholeFile(key_path, "private key"), ReadWholeFile(cert_path, "certificate"),
      chain_path.empty() ? std::string() : ReadWholeFile(chain_path, "chain"), password);
}

Credentials Credentials::FromPemText(const std::string& key_pem, const std::string& cert_pem,
                                     const std::string& chain_pem, const std::string& password) {
  ERR_clear_error();
  auto impl = std::make_unique<Impl>();
  {
    ossl::BioPtr bio = ossl::MemoryBio(key_pem);
    impl->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, PasswordCallback,
                                            const_cast<std::string*>(&password)));
    Check(impl->key != nullptr, kCred, "cannot read the private key (wrong password?)");
  }
  ossl::X509StackPtr certs = ReadCertificates(cert_pem, "the signer certificate");
  impl->certificate.reset(sk_X509_shift(certs.get()));
  // Certificates after the first one in the certificate file count as chain.
  impl->chain = std::move(certs);
  ossl::X509StackPtr chain = ReadCertificates(chain_pem, "the chain");
  while (sk_X509_num(chain.get()) > 0) {
    X509* cert = sk_X509_shift(chain.get());
    if (sk_X509_push(impl->chain.get(), cert) <= 0) {
      X509_free(cert);
      Check(false, SigningErrorCode::kCrypto, "sk_X509_push");
    }
  }
  CheckKeyMatches(*impl);
  return Credentials(std::move(impl));
}

Credentials Credentials::FromPkcs12(const std::string& p12_path, const std::string& password) {
  ERR_clear_error();
  std::string der = ReadWholeFile(p12_path, "PKCS#12 file");
  ossl::BioPtr bio = ossl::MemoryBio(der);
  ossl::Pkcs12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  Check(p12 != nullptr, kCred, "cannot parse PKCS#12 file " + p12_path);
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  const int ok = PKCS12_parse(p12.get(), password.c_str(), &key, &cert, &ca);
  auto impl = std::make_unique<Impl>();
  impl->key.reset(key);
  impl->certificate.reset(cert);
  impl->chain.reset(ca);
  Check(ok == 1, kCred, "cannot open PKCS#12 file " + p12_path + " (wrong password?)");
  Check(impl->key != nullptr && impl->certificate != nullptr, kCred,
        "PKCS#12 file " + p12_path + " lacks the key or the certificate");
  if (!impl->chain) {
    impl->chain.reset(CheckPtr(sk_X509_new_null(), SigningErrorCode::kCrypto, "sk_X509_new_null"));
  }
  CheckKeyMatches(*impl);
  return Credentials(std::move(impl));
}

std::string Credentials::SubjectName() const {
  return ossl::NameToString(X509_get_subject_name(impl_->certificate.get()));
}

std::string Credentials::CommonName() const {
  return ossl::NameEntry(X509_get_subject_name(impl_->certificate.get()), NID_commonName);
}

}  // namespace sealflow::signing
