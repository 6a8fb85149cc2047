// Copyright sealflow authors.
#include "forms/credit_code.h"

#include <string_view>

namespace sealflow::forms {
namespace {

// GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V.
constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Weights W_i = 3^(i-1) mod 31 for positions 1..17.
constexpr int kWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

int ValueOf(char c) {
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

char CreditCodeCheckCharacter(std::string_view code) {
  if (code.size() < 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    int value = ValueOf(code[i]);
    if (value < 0) return '\0';
    sum += value * kWeights[i];
  }
  int check = 31 - sum % 31;
  if (check == 31) check = 0;
  return kAlphabet[static_cast<std::size_t>(check)];
}

bool IsValidCreditCode(std::string_view code) {
  if (code.size() != 18 || ValueOf(code[17]) < 0) return false;
  char expected = CreditCodeCheckCharacter(code);
  return expected != '\0' && expected == code[17];
}

}  // namespace sealflow::forms
