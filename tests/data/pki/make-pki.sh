#!/usr/bin/env bash
# Copyright sealflow authors.
# Regenerates the test PKI in this folder with the openssl CLI (OpenSSL 3.0). The outputs are
# committed; tests never run this script. Re-running it creates new keys, so every signed
# fixture would have to be regenerated too.
#
#   root-ca.pem/.key          新乡市工业和信息化局 测试根CA (self-signed, 2025-01-01 .. 2045-12-31)
#   provider.pem/.key         signer under root-ca, O = 新乡市示例软件服务有限公司,
#                             serialNumber = a unified social credit code (GB 32100 check char)
#   provider-encrypted.key    provider.key encrypted (AES-256) with the password in provider.p12.pass
#   provider.p12              key + certificate + chain, password in provider.p12.pass
#   chain.pem                 the chain above the signer (just the root here)
#   other-ca.pem/.key         an unrelated root
#   provider-other.pem/.key   a signer under other-ca
#   expired.pem/.key          signer under root-ca, valid 2024-01-01 .. 2025-12-31 (before the
#                             tests' fixed "now", 2026-03-01)
#   not-yet-valid.pem/.key    signer under root-ca, valid from 2027-01-01
#   tsa.pem/.key              time-stamping authority under root-ca (extendedKeyUsage critical
#                             timeStamping), 2025-01-01 .. 2035-12-31
#   root-ca.crl.pem           root-ca's CRL revoking expired.pem, 2026-02-01 .. 2036-02-01
#
# `make-pki.sh tsa` issues only tsa.pem/.key and root-ca.crl.pem with the existing root-ca (the
# other fixtures and every signed file made with them stay valid).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# GB 32100-2015 check character for the first 17 characters of a credit code.
credit_code() {
  local base=$1 alphabet=0123456789ABCDEFGHJKLMNPQRTUWXY sum=0 i c v
  local -a weights=(1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28)
  for ((i = 0; i < 17; i++)); do
    c=${base:i:1}
    v=${alphabet%%"$c"*}
    v=${#v}
    ((sum += v * weights[i]))
  done
  echo "${base}${alphabet:$(((31 - sum % 31) % 31)):1}"
}
PROVIDER_CODE=$(credit_code 91410700MA44C1RX2)
OTHER_CODE=$(credit_code 91410700MA45D3KP7)

cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
dir = $work
database = $work/index.txt
new_certs_dir = $work
serial = $work/serial
default_md = sha256
policy = policy_any
unique_subject = no
preserve = yes
email_in_dn = no
string_mask = utf8only
utf8 = yes
[policy_any]
countryName = optional
organizationName = optional
commonName = supplied
serialNumber = optional
[req]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
prompt = no
[dn]
CN = unused
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[signer_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

serial=1000
# issue NAME SUBJECT ISSUER(or self) START END EXT
issue() {
  local name=$1 subject=$2 issuer=$3 start=$4 end=$5 ext=$6
  : >"$work/index.txt"
  serial=$((serial + 1))
  printf '%04X\n' "$serial" >"$work/serial"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null
  openssl req -new -utf8 -config "$work/ca.cnf" -key "$name.key" -subj "$subject" \
    -out "$work/$name.csr"
  if [[ $issuer == self ]]; then
    openssl ca -batch -utf8 -config "$work/ca.cnf" -selfsign -keyfile "$name.key" \
      -startdate "$start" -enddate "$end" -extensions "$ext" -notext \
      -in "$work/$name.csr" -out "$name.pem"
  else
    openssl ca -batch -utf8 -config "$work/ca.cnf" -cert "$issuer.pem" -keyfile "$issuer.key" \
      -startdate "$start" -enddate "$end" -extensions "$ext" -notext \
      -in "$work/$name.csr" -out "$name.pem"
  fi
}

issue_tsa() {
  issue tsa "/C=CN/O=新乡市工业和信息化局/CN=新乡市工业和信息化局 测试时间戳服务" \
    root-ca 20250101000000Z 20351231235959Z tsa_ext
  # A CRL needs the CA database: one line revoking expired.pem.
  local serial_hex expiry
  serial_hex=$(openssl x509 -in expired.pem -noout -serial | cut -d= -f2)
  expiry=$(date -u -d "$(openssl x509 -in expired.pem -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
  printf 'R\t%s\t260115000000Z\t%s\tunknown\t%s\n' "$expiry" "$serial_hex" \
    "$(openssl x509 -in expired.pem -noout -subject -nameopt compat | sed 's/^subject=//')" \
    >"$work/index.txt"
  echo 01 >"$work/crlnumber"
  echo "crlnumber = $work/crlnumber" >>"$work/ca.cnf"
  openssl ca -batch -utf8 -config "$work/ca.cnf" -gencrl -cert root-ca.pem -keyfile root-ca.key \
    -crl_lastupdate 20260201000000Z -crl_nextupdate 20360201000000Z -out root-ca.crl.pem
}
if [[ ${1:-} == tsa ]]; then
  serial=2000
  issue_tsa
  exit 0
fi

issue root-ca "/C=CN/O=新乡市工业和信息化局/CN=新乡市工业和信息化局 测试根CA" self \
  20250101000000Z 20451231235959Z root_ext
issue provider "/C=CN/O=新乡市示例软件服务有限公司/CN=新乡市示例软件服务有限公司 签章/serialNumber=$PROVIDER_CODE" \
  root-ca 20250101000000Z 20351231235959Z signer_ext
issue expired "/C=CN/O=新乡市示例软件服务有限公司/CN=过期的签章证书/serialNumber=$PROVIDER_CODE" \
  root-ca 20240101000000Z 20251231235959Z signer_ext
issue not-yet-valid "/C=CN/O=新乡市示例软件服务有限公司/CN=尚未生效的签章证书/serialNumber=$PROVIDER_CODE" \
  root-ca 20270101000000Z 20351231235959Z signer_ext
issue other-ca "/C=CN/O=Unrelated Test Authority/CN=Unrelated Test Root CA" self \
  20250101000000Z 20451231235959Z root_ext
issue provider-other "/C=CN/O=另一家测试公司/CN=另一家测试公司 签章/serialNumber=$OTHER_CODE" \
  other-ca 20250101000000Z 20351231235959Z signer_ext

serial=2000
issue_tsa

cp root-ca.pem chain.pem
printf 'sealflow-test' >provider.p12.pass
openssl pkcs12 -export -inkey provider.key -in provider.pem -certfile chain.pem \
  -name "provider" -passout file:provider.p12.pass -out provider.p12
openssl pkey -in provider.key -aes256 -passout file:provider.p12.pass -out provider-encrypted.key
echo "provider credit code: $PROVIDER_CODE, other: $OTHER_CODE"
