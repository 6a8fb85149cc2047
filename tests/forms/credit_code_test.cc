// Copyright sealflow authors.
#include "forms/credit_code.h"

#include <gtest/gtest.h>

#include <string>

namespace sealflow::forms {
namespace {

TEST(CreditCodeTest, KnownValidCodes) {
  // Check characters computed by hand from GB 32100-2015's weights (3^(i-1) mod 31).
  for (const char* code : {"91410700MA45KJ2R7F", "91410700MA46B3QX5J", "91410000706780981M",
                           "91410702MA9GUP4X1N", "91110108551385082Q"}) {
    EXPECT_TRUE(IsValidCreditCode(code)) << code;
    EXPECT_EQ(CreditCodeCheckCharacter(code), code[17]) << code;
  }
}

TEST(CreditCodeTest, CheckCharacterOnSeventeenCharacters) {
  EXPECT_EQ(CreditCodeCheckCharacter("91410700MA45KJ2R7"), 'F');
  // Sum divisible by 31 gives check value 0.
  EXPECT_EQ(CreditCodeCheckCharacter("00000000000000000"), '0');
}

TEST(CreditCodeTest, WrongCheckCharacter) {
  EXPECT_FALSE(IsValidCreditCode("91410700MA45KJ2R7G"));
  EXPECT_FALSE(IsValidCreditCode("91410700MA45KJ2R70"));
  // Two transposed characters are caught too.
  EXPECT_FALSE(IsValidCreditCode("91417400MA45KJ2R7F"));
}

TEST(CreditCodeTest, CharactersOutsideTheAlphabet) {
  // GB 32100 leaves out I, O, Z, S and V.
  for (char bad : {'I', 'O', 'Z', 'S', 'V', 'a', '-', ' '}) {
    std::string code = "91410700MA45KJ2R7F";
    code[10] = bad;
    EXPECT_FALSE(IsValidCreditCode(code)) << bad;
    EXPECT_EQ(CreditCodeCheckCharacter(code), '\0') << bad;
    std::string last = "91410700MA45KJ2R7F";
    last[17] = bad;
    EXPECT_FALSE(IsValidCreditCode(last)) << bad;
  }
}

TEST(CreditCodeTest, WrongLength) {
  EXPECT_FALSE(IsValidCreditCode(""));
  EXPECT_FALSE(IsValidCreditCode("91410700MA45KJ2R7"));
  EXPECT_FALSE(IsValidCreditCode("91410700MA45KJ2R7FF"));
  EXPECT_EQ(CreditCodeCheckCharacter("9141070"), '\0');
}

}  // namespace
}  // namespace sealflow::forms
