// Copyright sealflow authors.
// Bearer tokens: issued once, stored hashed, revocable, shared through the file with a running
// service (another TokenStore on the same folder), robust to a torn last line.
#include "workflow/tokens.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "support/test_support.h"

namespace sealflow::workflow {
namespace {

using sealflow::testing::ReadFile;
using sealflow::testing::TempDir;

TEST(TokenStoreTest, IssueAuthenticateRevoke) {
  TempDir dir;
  auto store = TokenStore::Open(dir.path(), [] { return sealflow::testing::FixedNow(); });
  IssuedToken issued = store->Issue(Role::kProvider, "91410700MA45KJ2R7F", "牧野智造");
  EXPECT_EQ(issued.token.rfind("sft_", 0), 0u);
  EXPECT_EQ(issued.token.size(), 4u + 43u);
  EXPECT_EQ(issued.info.id, issued.info.sha256.substr(0, 12));
  EXPECT_EQ(issued.info.issued_at, "2026-03-01T08:00:00Z");
  std::optional<Actor> actor = store->Authenticate(issued.token);
  ASSERT_TRUE(actor.has_value());
  EXPECT_EQ(actor->role, Role::kProvider);
  EXPECT_EQ(actor->org_code, "91410700MA45KJ2R7F");
  EXPECT_EQ(actor->name, "牧野智造");
  EXPECT_FALSE(store->Authenticate(issued.token + "x").has_value());
  EXPECT_FALSE(store->Authenticate("").has_value());

  // Only the hash is stored.
  const std::string file = ReadFile(dir.File("workflow/tokens.log"));
  EXPECT_EQ(file.find(issued.token), std::string::npos);
  EXPECT_NE(file.find(issued.info.sha256), std::string::npos);

  EXPECT_TRUE(store->Revoke(issued.info.id));
  EXPECT_FALSE(store->Authenticate(issued.token).has_value());
  EXPECT_FALSE(store->Revoke(issued.info.id));
  EXPECT_FALSE(store->Revoke("000000000000"));
  ASSERT_EQ(store->List().size(), 1u);
  EXPECT_TRUE(store->List()[0].revoked);
}

TEST(TokenStoreTest, TokensAreDistinctAndRolesChecked) {
  TempDir dir;
  auto store = TokenStore::Open(dir.path());
  std::set<std::string> tokens;
  for (int i = 0; i < 20; ++i) tokens.insert(store->Issue(Role::kBureau, "X", "").token);
  EXPECT_EQ(tokens.size(), 20u);
  EXPECT_THROW(store->Issue(Role::kPublic, "X", ""), TokenError);
  EXPECT_THROW(store->Issue(Role::kBureau, "", ""), TokenError);
  EXPECT_THROW(store->Issue(Role::kBureau, "has space", ""), TokenError);
  for (Role role : {Role::kBureau, Role::kCounty, Role::kExpert, Role::kProvider, Role::kEnterprise,
                    Role::kAcceptanceAgency, Role::kArchivist, Role::kPublic}) {
    EXPECT_EQ(ParseRole(RoleName(role)), role);
  }
  EXPECT_FALSE(ParseRole("admin").has_value());
}

// The CLI issues and revokes through its own TokenStore while the service's is open.
TEST(TokenStoreTest, AnotherStoreOnTheFolderSeesIssuesAndRevocations) {
  TempDir dir;
  auto service = TokenStore::Open(dir.path());
  auto cli = TokenStore::Open(dir.path());
  IssuedToken issued = cli->Issue(Role::kEnterprise, "91410700MA46B7HW2D", "");
  EXPECT_TRUE(service->Authenticate(issued.token).has_value());
  ASSERT_TRUE(cli->Revoke(issued.info.id));
  EXPECT_FALSE(service->Authenticate(issued.token).has_value());
}

TEST(TokenStoreTest, ATornLastLineGrantsNothingAndBreaksNothing) {
  TempDir dir;
  std::string kept;
  {
    auto store = TokenStore::Open(dir.path());
    kept = store->Issue(Role::kBureau, "11410700005264830Y", "").token;
  }
  {
    std::ofstream out(dir.File("workflow/tokens.log"), std::ios::app);
    out << R"({"op":"issue","sha256":"abc","role":"bureau","org":"X")";  // no newline
  }
  auto store = TokenStore::Open(dir.path());
  EXPECT_TRUE(store->Authenticate(kept).has_value());
  EXPECT_EQ(store->List().size(), 1u);
  // The next issue starts on a fresh line: both tokens work.
  const std::string next = store->Issue(Role::kCounty, "C", "").token;
  auto reopened = TokenStore::Open(dir.path());
  EXPECT_TRUE(reopened->Authenticate(kept).has_value());
  EXPECT_TRUE(reopened->Authenticate(next).has_value());
  EXPECT_EQ(reopened->List().size(), 2u);
}

}  // namespace
}  // namespace sealflow::workflow
