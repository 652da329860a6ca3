// Column mapping: suggestions for the headers of real exports, name splitting, stage words,
// and rows turned into Batch items. Tables of cases, one loop each.
#include "importexport/column_mapping.h"

#include "importexport/import_repository.h"

#include <gtest/gtest.h>

namespace rally::importexport {
namespace {

std::vector<fields::CustomField> Custom() {
  fields::CustomField industry;
  industry.def.key = "industry";
  industry.def.label = "Industry";
  industry.def.custom = true;
  fields::CustomField revenue;
  revenue.def.key = "annual_revenue";
  revenue.def.label = "Yearly revenue";
  revenue.def.custom = true;
  return {industry, revenue};
}

std::string Joined(const ColumnMapping& m) {
  std::string out;
  for (size_t i = 0; i < m.size(); ++i) out += (i ? "," : "") + (m[i].empty() ? "-" : m[i]);
  return out;
}

TEST(ColumnMappingTest, SuggestsFieldsForTheHeadersOfCommonExports) {
  struct Case {
    std::string source;
    std::vector<std::string> header;
    std::string want;
  };
  std::vector<Case> cases = {
      {"Google Contacts",
       {"Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value", "E-mail 2 - Value",
        "Phone 1 - Value", "Organization 1 - Name", "Organization 1 - Title", "Group Membership"},
       "full_name,first_name,last_name,-,email,additional_emails,phone,company,title,tags"},
      {"Outlook",
       {"First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "Business Phone", "Mobile Phone",
        "Company", "Job Title", "Business City", "Business Postal Code", "Categories"},
       "first_name,last_name,email,additional_emails,phone,mobile,company,title,city,postal_code,tags"},
      {"HubSpot",
       {"Record ID", "First Name", "Last Name", "Email", "Lifecycle Stage", "Lead Status", "Contact owner",
        "Original Source", "Phone Number"},
       "-,first_name,last_name,email,lifecycle_stage,-,owner,lead_source,phone"},
      {"Salesforce",
       {"First Name", "Last Name", "Title", "Account Name", "Email", "Mailing Street", "Mailing City",
        "Mailing State/Province", "Mailing Zip/Postal Code", "Mailing Country", "Lead Source"},
       "first_name,last_name,title,company,email,street,city,state,postal_code,country,lead_source"},
      {"Mailchimp", {"Email Address", "First Name", "Last Name", "Address", "Phone Number", "TAGS"},
       "email,first_name,last_name,street,phone,tags"},
      {"LinkedIn", {"First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"},
       "first_name,last_name,linkedin,email,company,title,-"},
      {"custom fields by key and label, accents and case ignored",
       {"EMAIL", "industry", "Yearly Revenue", "Indústry"}, "email,custom.industry,custom.annual_revenue,-"},
      {"a URL column outside a LinkedIn export stays unmapped", {"Email", "URL"}, "email,-"},
      {"Rally's own key forms", {"email", "first_name", "custom.annual_revenue", "custom.nope"},
       "email,first_name,custom.annual_revenue,-"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.source);
    EXPECT_EQ(Joined(SuggestMapping(c.header, Custom())), c.want);
  }
}

TEST(ColumnMappingTest, SplitsFullNames) {
  struct Case {
    std::string in, first, last;
  };
  std::vector<Case> cases = {
      {"Ada Lovelace", "Ada", "Lovelace"},       {"Lovelace, Ada", "Ada", "Lovelace"},
      {"Dr. Ada King Lovelace Jr.", "Ada King", "Lovelace"},
      {"Ada Lovelace, PhD", "Ada", "Lovelace"},  {"Cher", "Cher", ""},
      {"  Ada   Lovelace ", "Ada", "Lovelace"},  {"", "", ""},
  };
  for (const Case& c : cases) {
    auto [first, last] = SplitFullName(c.in);
    EXPECT_EQ(first, c.first) << c.in;
    EXPECT_EQ(last, c.last) << c.in;
  }
}

TEST(ColumnMappingTest, TranslatesOtherCrmsStages) {
  std::vector<std::pair<std::string, std::string>> cases = {
      {"Subscriber", "lead"}, {"Marketing Qualified Lead", "qualified"}, {"SQL", "qualified"},
      {"Closed - Converted", "customer"}, {"Customer", "Customer"}, {"Sideways", "Sideways"}};
  for (const auto& [in, want] : cases) EXPECT_EQ(TranslateStage(in), want) << in;
}

TEST(ColumnMappingTest, RowsBecomeBatchItems) {
  std::vector<std::string> header = {"Email", "Name", "First", "Tags", "Industry", "City", "E-mail 2"};
  ColumnMapping m = {"email", "full_name", "first_name", "tags", "custom.industry", "city",
                     "additional_emails"};
  struct Case {
    std::string name;
    std::vector<std::string> cells;
    RowOptions options;
    std::string want;  // the JSON item, or "none"
  };
  std::vector<Case> cases = {
      {"empty cells keep", {"a@x.io", "Ada Lovelace", "", " inbound; vip ", "", "", ""}, {},
       R"({"email":"a@x.io","first_name":"Ada","last_name":"Lovelace","add_tags":["inbound","vip"]})"},
      {"its own first-name column wins over the split", {"a@x.io", "Ada Lovelace", "Augusta", "", "Retail", "Oslo", ""}, {},
       R"({"email":"a@x.io","first_name":"Augusta","city":"Oslo","last_name":"Lovelace","custom":{"industry":"Retail"}})"},
      {"empty cells clear with clear_empty", {"a@x.io", "", "", "", "", "", ""}, {true, {"Imported"}},
       R"({"email":"a@x.io","first_name":null,"city":null,"add_tags":["Imported"],"custom":{"industry":null}})"},
      {"Google's several addresses in one cell", {"a@x.io ::: b@x.io", "", "", "* myContacts ::: Friends", "", "", "c@x.io"}, {},
       R"({"email":"a@x.io","additional_emails":["b@x.io","c@x.io"],"add_tags":["Friends"]})"},
      {"no email: no item", {"", "Ada", "", "", "", "", ""}, {}, "none"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto in = RowToInput(m, c.cells, c.options);
    EXPECT_EQ(in ? json::serialize(*in) : "none", c.want);
  }
  EXPECT_EQ(ColumnForField(m, "custom.industry"), 4);
  EXPECT_EQ(ColumnForField(m, "last_name"), 1);
  EXPECT_EQ(ColumnForField(m, "add_tags"), 3);
}

TEST(ColumnMappingTest, HeaderHashIgnoresCaseAndPunctuationButNotOrder) {
  std::vector<std::string> a = {"E-mail Address", "First Name"}, b = {"email address", "FIRST_NAME"},
                           c = {"First Name", "E-mail Address"};
  EXPECT_EQ(HeaderHash(a), HeaderHash(b));
  EXPECT_NE(HeaderHash(a), HeaderHash(c));
  EXPECT_EQ(HeaderHash(a).size(), 16u);
}

TEST(ColumnMappingTest, MapFlagAndBase64) {
  auto m = ParseMapFlag("E-mail=email, Who = full_name");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(json::serialize(*m), R"({"E-mail":"email","Who":"full_name"})");
  EXPECT_FALSE(ParseMapFlag("nonsense").ok());
  for (std::string bytes : {std::string(""), std::string("a"), std::string("ab"), std::string("abc"),
                            std::string("\0\xff\x10 binary\r\n", 12)}) {
    auto back = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
  }
  EXPECT_EQ(Base64Encode("abcd"), "YWJjZA==");
  EXPECT_FALSE(Base64Decode("YW=j").ok());
  EXPECT_FALSE(Base64Decode("YWJ").ok());
}

}  // namespace
}  // namespace rally::importexport
