// Copyright sealflow authors.
// The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
// "0123456789ABCDEFGHJKLMNPQRTUWXY"; the 18th is a check character over the first 17
// (weights 3^(i) mod 31, check = 31 - (sum mod 31), 31 -> 0).
#pragma once

#include <string_view>

namespace sealflow::forms {

// The check character for the first 17 characters of code, or '\0' if they contain a character
// outside the code's alphabet or code is shorter than 17.
char CreditCodeCheckCharacter(std::string_view code);

// True iff code has 18 valid characters and a correct check character.
bool IsValidCreditCode(std::string_view code);

}  // namespace sealflow::forms
