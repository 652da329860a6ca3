#include <gtest/gtest.h>

#include "auth/auth_service.h"
#include "fixtures/test_app.h"

namespace rally::testing {
namespace {

TEST(WorkspaceApiTest, DefaultRegionDrivesPhoneNormalization) {
  TestApp app;
  auto& auth = *app.services().auth;
  auth::NewUser member{"member@example.com", "Mem Ber", auth::Role::kMember, ""};
  auto user = auth.CreateUser(app.workspace_id(), member);
  ASSERT_TRUE(user.ok());
  auto token = auth.CreateToken(app.workspace_id(), user->id, "member");
  ASSERT_TRUE(token.ok());

  RunScenarios(app, {
      {"read", "GET", "/api/v1/workspace", "", 200, {R"("name":"Test")", R"("default_region":"US")"}},
      {"member may not change it", "PATCH", "/api/v1/workspace", R"({"default_region":"GB"})", 403, {},
       token->token},
      {"bad region", "PATCH", "/api/v1/workspace", R"({"default_region":"Britain"})", 422,
       {R"("field":"default_region")"}},
      {"unknown field", "PATCH", "/api/v1/workspace", R"({"colour":"red"})", 422, {R"("field":"colour")"}},
      {"set region", "PATCH", "/api/v1/workspace", R"({"default_region":"gb","name":"Team GB"})", 200,
       {R"("default_region":"GB")", R"("name":"Team GB")"}},
      {"national number read as British", "POST", "/api/v1/contacts",
       R"({"email":"uk@example.co.uk","phone":"020 7946 0958"})", 201,
       {R"("phone":"020 7946 0958")", R"("phone_e164":"+442079460958")"}},
  });
}

}  // namespace
}  // namespace rally::testing
