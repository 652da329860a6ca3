// GET /api/v1/openapi.json against the server that serves it:
//  - the document is a well-formed OpenAPI 3.1 document (the structural rules a client
//    generator relies on) and every $ref in it resolves;
//  - the documented paths and methods are exactly the router's routes, both ways;
//  - probes (a scenario table that reaches every route) answer only statuses the document
//    lists for that operation, with bodies that validate against the documented schemas, and
//    every request body the server accepted validates against the documented request schema.
//    Object keys the server sends or accepts must be documented (stricter than JSON Schema's
//    default, so an undocumented field fails here rather than in a generated client).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <thread>

#include "api/openapi.h"
#include "auth/auth_service.h"
#include "fixtures/test_app.h"
#include "http/router.h"
#include "jobs/job_queue.h"

namespace rally::api {
namespace {

using rally::testing::Reply;
using rally::testing::TestApp;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

json::value ParseDeep(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = 512;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec, {}, opts);
  return ec ? json::value(nullptr) : v;
}

// The value a local reference ("#/components/schemas/Contact") points at, or nullptr.
const json::value* ResolvePointer(const json::value& doc, std::string_view ref) {
  if (ref.substr(0, 2) != "#/") return nullptr;
  const json::value* at = &doc;
  std::string_view rest = ref.substr(2);
  while (at != nullptr) {
    size_t slash = rest.find('/');
    std::string token(rest.substr(0, slash));
    for (size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
    for (size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
    if (!at->is_object()) return nullptr;
    at = at->get_object().if_contains(token);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return at;
}

// A JSON pointer token for `s` ("/" and "~" escaped).
std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

// Follows $ref chains (at most a few hops; a cycle is a defect reported as unresolved).
const json::value* Deref(const json::value& doc, const json::value& v) {
  const json::value* at = &v;
  for (int hops = 0; hops < 8 && at != nullptr && at->is_object(); ++hops) {
    const json::value* ref = at->get_object().if_contains("$ref");
    if (ref == nullptr) return at;
    at = ref->is_string() ? ResolvePointer(doc, ref->get_string()) : nullptr;
  }
  return at != nullptr && at->is_object() && at->get_object().contains("$ref") ? nullptr : at;
}

void CollectRefs(const json::value& v, const std::string& where,
                 std::vector<std::pair<std::string, std::string>>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.get_object()) {
      if (k == "$ref" && child.is_string()) out.emplace_back(where, std::string(child.get_string()));
      CollectRefs(child, where + "/" + std::string(k), out);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.get_array().size(); ++i)
      CollectRefs(v.get_array()[i], where + "/" + std::to_string(i), out);
  }
}

// The {name} placeholders of a path template.
std::set<std::string> TemplateParams(std::string_view path) {
  std::set<std::string> out;
  for (size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
    size_t close = path.find('}', open);
    if (close == std::string_view::npos) break;
    out.emplace(path.substr(open + 1, close - open - 1));
  }
  return out;
}

const std::set<std::string> kOperationKeys = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// The structural rules of OpenAPI 3.1 that matter to clients, as a list of problems.
std::vector<std::string> StructuralProblems(const json::value& doc) {
  std::vector<std::string> problems;
  auto fail = [&](std::string p) { problems.push_back(std::move(p)); };
  if (!doc.is_object()) return {"the document is not a JSON object"};
  const json::object& root = doc.get_object();
  const json::value* version = root.if_contains("openapi");
  if (!version || !version->is_string() || version->get_string().subview().substr(0, 4) != "3.1.")
    fail("openapi must be a 3.1.x version string");
  const json::value* info = root.if_contains("info");
  if (!info || !info->is_object() || !info->get_object().contains("title") ||
      !info->get_object().at("title").is_string() || !info->get_object().contains("version") ||
      !info->get_object().at("version").is_string())
    fail("info needs string title and version");
  const json::value* schemes = ResolvePointer(doc, "#/components/securitySchemes");
  auto check_security = [&](const json::value& sec, const std::string& where) {
    if (!sec.is_array()) return fail(where + ": security must be an array");
    for (const json::value& req : sec.get_array()) {
      if (!req.is_object()) return fail(where + ": a security requirement must be an object");
      for (const auto& [name, scopes] : req.get_object())
        if (!schemes || !schemes->is_object() || !schemes->get_object().contains(name))
          fail(where + ": security scheme " + std::string(name) + " is not defined");
    }
  };
  if (const json::value* sec = root.if_contains("security")) check_security(*sec, "root");
  // The document is served by whichever host and port the server listens on, so its server
  // URL must be relative to it: a fixed host would send generated clients elsewhere.
  if (const json::value* servers = root.if_contains("servers")) {
    for (const json::value& server : servers->as_array())
      if (!server.is_object() || !server.get_object().contains("url") || !server.at("url").is_string() ||
          server.at("url").get_string().subview().substr(0, 1) != "/")
        fail("servers: a url must be relative (\"/\"), not " + json::serialize(server));
  }

  const json::value* paths = root.if_contains("paths");
  if (!paths || !paths->is_object()) return problems.push_back("paths must be an object"), problems;
  std::set<std::string> operation_ids;
  for (const auto& [path, item_value] : paths->get_object()) {
    const std::string p(path);
    if (p.empty() || p[0] != '/') fail(p + ": a path must start with /");
    if (!item_value.is_object()) {
      fail(p + ": a path item must be an object");
      continue;
    }
    const json::object& item = item_value.get_object();
    // Path-level parameters, by (in, name).
    std::map<std::pair<std::string, std::string>, const json::object*> shared;
    auto read_params = [&](const json::value* list, const std::string& where,
                           std::map<std::pair<std::string, std::string>, const json::object*>& into) {
      if (list == nullptr) return;
      if (!list->is_array()) return fail(where + ": parameters must be an array");
      for (const json::value& raw : list->get_array()) {
        const json::value* param = Deref(doc, raw);
        if (!param || !param->is_object()) {
          fail(where + ": a parameter does not resolve to an object");
          continue;
        }
        const json::object& po = param->get_object();
        const json::value* name = po.if_contains("name");
        const json::value* in = po.if_contains("in");
        static const std::set<std::string> kIn = {"query", "header", "path", "cookie"};
        if (!name || !name->is_string() || !in || !in->is_string() || !kIn.count(std::string(in->get_string()))) {
          fail(where + ": a parameter needs a name and in (query|header|path|cookie)");
          continue;
        }
        if (!po.contains("schema") && !po.contains("content"))
          fail(where + ": parameter " + std::string(name->get_string()) + " needs a schema");
        if (in->get_string() == "path" && !(po.contains("required") && po.at("required") == true))
          fail(where + ": path parameter " + std::string(name->get_string()) + " must be required");
        into[{std::string(in->get_string()), std::string(name->get_string())}] = &po;
      }
    };
    read_params(item.if_contains("parameters"), p, shared);
    const std::set<std::string> placeholders = TemplateParams(p);
    for (const auto& [key, value] : item) {
      if (key == "parameters" || key == "summary" || key == "description" || key == "servers") continue;
      if (!kOperationKeys.count(std::string(key))) {
        fail(p + ": unknown key " + std::string(key) + " in a path item");
        continue;
      }
      const std::string where = std::string(key) + " " + p;
      if (!value.is_object()) {
        fail(where + ": an operation must be an object");
        continue;
      }
      const json::object& op = value.get_object();
      auto params = shared;
      read_params(op.if_contains("parameters"), where, params);
      std::set<std::string> path_params;
      for (const auto& [k, po] : params)
        if (k.first == "path") path_params.insert(k.second);
      if (path_params != placeholders)
        fail(where + ": path parameters do not match the template's placeholders");
      if (const json::value* id = op.if_contains("operationId")) {
        if (!id->is_string() || !operation_ids.insert(std::string(id->get_string())).second)
          fail(where + ": operationId must be a unique string");
      }
      if (const json::value* sec = op.if_contains("security")) check_security(*sec, where);
      if (const json::value* body = op.if_contains("requestBody")) {
        const json::value* b = Deref(doc, *body);
        if (!b || !b->is_object() || !b->get_object().contains("content") ||
            !b->get_object().at("content").is_object())
          fail(where + ": requestBody needs content");
      }
      const json::value* responses = op.if_contains("responses");
      if (!responses || !responses->is_object() || responses->get_object().empty()) {
        fail(where + ": responses must be a non-empty object");
        continue;
      }
      static const std::regex kStatus("^([1-5][0-9][0-9]|[1-5]XX|default)$");
      for (const auto& [status, raw] : responses->get_object()) {
        if (!std::regex_match(std::string(status), kStatus)) fail(where + ": bad response key " + std::string(status));
        const json::value* r = Deref(doc, raw);
        if (!r || !r->is_object() || !r->get_object().contains("description") ||
            !r->get_object().at("description").is_string())
          fail(where + " " + std::string(status) + ": a response needs a description");
      }
    }
  }

  // Schemas: type names and required properties that exist.
  static const std::set<std::string> kTypes = {"null", "boolean", "object", "array", "number", "integer", "string"};
  std::function<void(const json::value&, const std::string&)> walk = [&](const json::value& v, const std::string& where) {
    if (v.is_array()) {
      for (size_t i = 0; i < v.get_array().size(); ++i) walk(v.get_array()[i], where + "/" + std::to_string(i));
      return;
    }
    if (!v.is_object()) return;
    const json::object& o = v.get_object();
    // Only schema objects carry "type" next to "properties"/"items"/"enum" or as a type list.
    // (A "type" whose value is an object is a property named type, not a schema keyword.)
    if (const json::value* t = o.if_contains("type");
        t && (t->is_string() || t->is_array()) &&
        (o.contains("properties") || o.contains("items") || o.contains("enum") || t->is_array() || o.contains("format"))) {
      std::vector<json::value> names = t->is_array() ? std::vector<json::value>(t->get_array().begin(), t->get_array().end())
                                                     : std::vector<json::value>{*t};
      for (const json::value& n : names)
        if (!n.is_string() || !kTypes.count(std::string(n.get_string()))) fail(where + ": unknown schema type");
    }
    if (const json::value* req = o.if_contains("required"); req && req->is_array() && o.contains("properties")) {
      for (const json::value& r : req->get_array())
        if (!r.is_string() || !o.at("properties").as_object().contains(r.get_string()))
          fail(where + ": required property " + json::serialize(r) + " is not among the properties");
    }
    for (const auto& [k, child] : o) walk(child, where + "/" + std::string(k));
  };
  if (const json::value* components = root.if_contains("components")) walk(*components, "#/components");
  walk(*paths, "#/paths");
  return problems;
}

// JSON Schema (the subset the fragments use) with one addition: when `strict`, an object's keys
// must all be documented by the schema's properties (through allOf too) unless the schema is
// free-form.
class SchemaChecker {
 public:
  explicit SchemaChecker(const json::value& doc) : doc_(doc) {}

  void Check(const json::value& schema_in, const json::value& v, const std::string& where, bool strict,
             std::vector<std::string>& errors) const {
    const json::value* resolved = Deref(doc_, schema_in);
    if (resolved == nullptr) return errors.push_back(where + ": schema reference does not resolve");
    if (!resolved->is_object()) return;  // true/false schemas are not used
    const json::object& s = resolved->get_object();
    auto fail = [&](const std::string& what) { errors.push_back(where + ": " + what + " (got " + Short(v) + ")"); };

    if (const json::value* t = s.if_contains("type")) {
      bool ok = false;
      if (t->is_string()) ok = HasType(v, t->get_string());
      else if (t->is_array())
        for (const json::value& n : t->get_array()) ok = ok || (n.is_string() && HasType(v, n.get_string()));
      if (!ok) return fail("type is not " + json::serialize(*t));
    }
    if (const json::value* e = s.if_contains("enum"); e && e->is_array()) {
      bool found = false;
      for (const json::value& x : e->get_array()) found = found || x == v;
      if (!found) fail("not one of " + json::serialize(*e));
    }
    if (const json::value* c = s.if_contains("const"); c && *c != v) fail("not " + json::serialize(*c));
    if (v.is_number()) {
      double d = v.to_number<double>();
      if (const json::value* m = s.if_contains("minimum"); m && m->is_number() && d < m->to_number<double>())
        fail("below minimum");
      if (const json::value* m = s.if_contains("maximum"); m && m->is_number() && d > m->to_number<double>())
        fail("above maximum");
    }
    if (v.is_string()) {
      std::string text(v.get_string());
      if (const json::value* p = s.if_contains("pattern"); p && p->is_string() &&
                                                          !std::regex_search(text, std::regex(std::string(p->get_string()))))
        fail("does not match " + std::string(p->get_string()));
      if (const json::value* m = s.if_contains("maxLength"); m && m->is_int64() && static_cast<int64_t>(text.size()) > m->get_int64())
        fail("longer than maxLength");
    }
    for (const char* kind : {"oneOf", "anyOf"}) {
      const json::value* list = s.if_contains(kind);
      if (!list || !list->is_array()) continue;
      int matches = 0;
      std::vector<std::string> branch_errors;
      for (const json::value& branch : list->get_array()) {
        std::vector<std::string> e;
        Check(branch, v, where, strict, e);
        if (e.empty()) ++matches;
        else branch_errors.insert(branch_errors.end(), e.begin(), e.end());
      }
      if (matches == 0) {
        fail(std::string("matches no branch of ") + kind);
        errors.insert(errors.end(), branch_errors.begin(), branch_errors.end());
      } else if (matches > 1 && std::string_view(kind) == "oneOf") {
        fail("matches more than one branch of oneOf");
      }
    }
    if (const json::value* all = s.if_contains("allOf"); all && all->is_array()) {
      for (const json::value& branch : all->get_array()) Check(branch, v, where, false, errors);
    }
    if (v.is_object()) {
      const json::object& o = v.get_object();
      const json::value* props = s.if_contains("properties");
      if (const json::value* req = s.if_contains("required"); req && req->is_array())
        for (const json::value& r : req->get_array())
          if (r.is_string() && !o.contains(r.get_string())) fail("lacks required " + std::string(r.get_string()));
      const json::value* extra = s.if_contains("additionalProperties");
      for (const auto& [k, child] : o) {
        const std::string at = where + "." + std::string(k);
        if (props && props->is_object() && props->get_object().contains(k)) {
          Check(props->get_object().at(k), child, at, strict, errors);
        } else if (extra && extra->is_object()) {
          Check(*extra, child, at, strict, errors);
        } else if (extra && *extra == false && props) {
          errors.push_back(at + ": not allowed (additionalProperties false)");
        }
      }
      if (strict) {
        std::set<std::string> documented;
        if (!FreeForm(*resolved, documented)) {
          for (const auto& [k, child] : o)
            if (!documented.count(std::string(k))) errors.push_back(where + "." + std::string(k) + ": undocumented");
        }
      }
    }
    if (v.is_array()) {
      if (const json::value* items = s.if_contains("items")) {
        for (size_t i = 0; i < v.get_array().size(); ++i)
          Check(*items, v.get_array()[i], where + "[" + std::to_string(i) + "]", strict, errors);
      }
      if (const json::value* m = s.if_contains("maxItems"); m && m->is_int64() && static_cast<int64_t>(v.get_array().size()) > m->get_int64())
        fail("more items than maxItems");
    }
  }

 private:
  static bool HasType(const json::value& v, std::string_view t) {
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_bool();
    if (t == "string") return v.is_string();
    if (t == "array") return v.is_array();
    if (t == "object") return v.is_object();
    if (t == "number") return v.is_number();
    if (t == "integer") return v.is_int64() || v.is_uint64() || (v.is_double() && v.get_double() == static_cast<double>(static_cast<int64_t>(v.get_double())));
    return false;
  }

  static std::string Short(const json::value& v) {
    std::string s = json::serialize(v);
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
  }

  // Collects the keys a schema documents for an object (its properties, through allOf and
  // oneOf/anyOf branches that are objects); true when it constrains no keys at all.
  bool FreeForm(const json::value& schema_in, std::set<std::string>& keys) const {
    const json::value* schema = Deref(doc_, schema_in);
    if (!schema || !schema->is_object()) return true;
    const json::object& s = schema->get_object();
    if (const json::value* extra = s.if_contains("additionalProperties"); extra && *extra != false) return true;
    bool constrained = false;
    if (const json::value* props = s.if_contains("properties"); props && props->is_object()) {
      constrained = true;
      for (const auto& [k, unused] : props->get_object()) keys.insert(std::string(k));
    }
    if (const json::value* all = s.if_contains("allOf"); all && all->is_array()) {
      for (const json::value& b : all->get_array()) {
        std::set<std::string> branch;
        if (FreeForm(b, branch)) return true;
        constrained = true;
        keys.insert(branch.begin(), branch.end());
      }
    }
    // oneOf/anyOf are checked branch by branch, each strict on its own.
    if (s.contains("oneOf") || s.contains("anyOf")) return true;
    return !constrained;
  }

  const json::value& doc_;
};

// The checker itself, on a small document: it must be able to fail.
TEST(SchemaCheckerTest, Cases) {
  const json::value doc = ParseDeep(R"({"components":{"schemas":{
      "Base":{"type":"object","required":["id"],"properties":{"id":{"type":"string","pattern":"^[0-9]+$"}}},
      "Both":{"allOf":[{"$ref":"#/components/schemas/Base"},{"type":"object","properties":{"n":{"type":"integer","maximum":5}}}]},
      "Loose":{"type":"object"},
      "Closed":{"type":"object","additionalProperties":false,"properties":{"a":{"type":"string"}}},
      "Maybe":{"oneOf":[{"type":"null"},{"$ref":"#/components/schemas/Base"}]},
      "Stage":{"type":["string","null"],"enum":["lead","customer",null]},
      "List":{"type":"array","maxItems":2,"items":{"type":"boolean"}}}}})");
  struct Case {
    std::string schema;
    std::string value;
    bool strict;
    bool want_ok;
  };
  const Case cases[] = {
      {"Base", R"({"id":"1"})", true, true},
      {"Base", R"({"id":1})", true, false},
      {"Base", R"({"id":"x1"})", true, false},
      {"Base", R"({})", false, false},
      {"Base", R"({"id":"1","extra":2})", false, true},
      {"Base", R"({"id":"1","extra":2})", true, false},
      {"Both", R"({"id":"1","n":3})", true, true},
      {"Both", R"({"id":"1","n":6})", true, false},
      {"Both", R"({"id":"1","n":3,"m":0})", true, false},
      {"Both", R"({"n":3})", true, false},
      {"Loose", R"({"anything":[1]})", true, true},
      {"Loose", R"([])", true, false},
      {"Closed", R"({"a":"x","b":"y"})", false, false},
      {"Maybe", R"(null)", true, true},
      {"Maybe", R"({"id":"2"})", true, true},
      {"Maybe", R"({"id":"2","x":1})", true, false},
      {"Maybe", R"("2")", true, false},
      {"Stage", R"("lead")", true, true},
      {"Stage", R"(null)", true, true},
      {"Stage", R"("prospect")", true, false},
      {"List", R"([true,false])", true, true},
      {"List", R"([true,1])", true, false},
      {"List", R"([true,true,true])", true, false},
      {"Missing", R"({})", true, false},
  };
  SchemaChecker checker(doc);
  for (const Case& c : cases) {
    std::vector<std::string> errors;
    checker.Check(json::object{{"$ref", "#/components/schemas/" + c.schema}}, ParseDeep(c.value), "v", c.strict, errors);
    EXPECT_EQ(errors.empty(), c.want_ok) << c.schema << " " << c.value << (c.strict ? " strict" : "")
                                         << (errors.empty() ? std::string() : ": " + errors.front());
  }
}

// One request of the probe table: the route it must reach (checked against the router) and
// the status it must get; both the status and the bodies are then checked against the document.
struct Probe {
  std::string name;
  std::string method;
  std::string route;  // the route's pattern, as documented
  std::string target;
  std::string body;
  int want_status;
  std::string token = TestApp::kAdminToken;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Reply r = app_.Call("GET", "/api/v1/openapi.json");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("Content-Type").rfind("application/json", 0), 0u) << r.Header("Content-Type");
    doc_ = ParseDeep(r.body);
    ASSERT_TRUE(doc_.is_object()) << "openapi.json is not a JSON object";
  }

  const json::object* Operation(const std::string& route, const std::string& method) const {
    const json::value* item = doc_.at("paths").as_object().if_contains(route);
    if (!item || !item->is_object()) return nullptr;
    const json::value* op = item->get_object().if_contains(Lower(method));
    return op && op->is_object() ? &op->get_object() : nullptr;
  }

  std::string Id(const Reply& r) const {
    const json::value* id = r.json.is_object() ? r.json.get_object().if_contains("id") : nullptr;
    return id && id->is_string() ? std::string(id->get_string()) : "";
  }

  std::string Post(const std::string& path, const std::string& body, const std::string& token = TestApp::kAdminToken) {
    Reply r = app_.Call("POST", path, body, token);
    EXPECT_EQ(r.status, 201) << path << ": " << r.body;
    return Id(r);
  }

  // Sends the probe and returns what in its reply, or in its request, disagrees with the
  // document.
  std::vector<std::string> Run(const Probe& p) {
    std::vector<std::string> problems;
    http::Request req;
    req.method = http::ParseMethod(p.method);
    if (!http::SetTarget(req, p.target).ok() || app_.router().MatchPattern(req) != p.route)
      problems.push_back("the target does not reach route " + p.route);
    // Every query parameter the probe sends is documented for the operation or its path.
    if (const json::object* op = Operation(p.route, p.method)) {
      std::set<std::string> documented;
      for (const json::value* list : {op->if_contains("parameters"), ResolvePointer(doc_, "#/paths/" + Escape(p.route) + "/parameters")}) {
        if (!list || !list->is_array()) continue;
        for (const json::value& raw : list->get_array())
          if (const json::value* param = Deref(doc_, raw); param && param->is_object() && param->at("in") == "query")
            documented.insert(std::string(param->at("name").as_string()));
      }
      for (const auto& [name, value] : req.query)
        if (!documented.count(name)) problems.push_back("query parameter " + name + " is not documented");
    }
    Reply r = app_.Call(p.method, p.target, p.body, p.token, p.headers);
    if (r.status != p.want_status)
      problems.push_back("status " + std::to_string(r.status) + ", want " + std::to_string(p.want_status) + ": " + r.body);
    const json::object* op = Operation(p.route, p.method);
    if (op == nullptr) return problems.push_back("operation is not documented"), problems;
    const json::object& responses = op->at("responses").as_object();
    std::string code = std::to_string(r.status);
    const json::value* documented = responses.if_contains(code);
    if (!documented) documented = responses.if_contains(code.substr(0, 1) + "XX");
    if (!documented) documented = responses.if_contains("default");
    if (!documented) return problems.push_back("status " + code + " is not documented"), problems;
    const json::value* response = Deref(doc_, *documented);
    if (!response || !response->is_object()) return problems.push_back("response " + code + " does not resolve"), problems;
    SchemaChecker checker(doc_);
    if (!r.body.empty()) {
      std::string type = r.Header("Content-Type");
      type = type.substr(0, type.find(';'));
      const json::value* media = ResolvePointer(*response, "#/content/" + Escape(type));
      if (!media) return problems.push_back("response " + code + " documents no " + type + " content"), problems;
      if (type == "application/json") {
        json::value body = ParseDeep(r.body);
        if (const json::value* schema = media->is_object() ? media->get_object().if_contains("schema") : nullptr)
          checker.Check(*schema, body, "response", /*strict=*/true, problems);
      }
    } else if (response->get_object().contains("content") && r.status != 204) {
      problems.push_back("response " + code + " documents content but the reply has none");
    }
    // A body the server accepted must be one the document accepts (JSON ones against their
    // schema; uploads of other types must at least be a documented media type).
    std::string sent_type = "application/json";
    for (const auto& [name, value] : p.headers)
      if (Lower(name) == "content-type") sent_type = Lower(value.substr(0, value.find(';')));
    if (r.status < 300 && !p.body.empty() && sent_type != "application/json") {
      const json::value* rb = op->if_contains("requestBody");
      if (!rb || !ResolvePointer(*Deref(doc_, *rb), "#/content/" + Escape(sent_type)))
        problems.push_back("the operation documents no " + sent_type + " request body");
    } else if (r.status < 300 && !p.body.empty()) {
      const json::value* rb = op->if_contains("requestBody");
      const json::value* media = rb ? ResolvePointer(*Deref(doc_, *rb), "#/content/application~1json") : nullptr;
      if (!media) {
        problems.push_back("the operation documents no JSON request body");
      } else if (const json::value* schema = media->is_object() ? media->get_object().if_contains("schema") : nullptr) {
        std::vector<std::string> body_problems;
        checker.Check(*schema, ParseDeep(p.body), "request", /*strict=*/true, body_problems);
        problems.insert(problems.end(), body_problems.begin(), body_problems.end());
      }
    }
    return problems;
  }

  TestApp app_;
  json::value doc_;
};

TEST_F(OpenApiTest, IsAValidOpenApi31Document) {
  std::vector<std::string> problems = StructuralProblems(doc_);
  for (const std::string& p : problems) ADD_FAILURE() << p;
  // The served document is the merged one.
  EXPECT_EQ(doc_, json::value(OpenApiDocument()));
  EXPECT_EQ(app_.Call("GET", "/api/v1/openapi.json", "", "").status, 401) << "the document needs a token";
}

TEST_F(OpenApiTest, EveryRefResolves) {
  std::vector<std::pair<std::string, std::string>> refs;
  CollectRefs(doc_, "#", refs);
  ASSERT_GT(refs.size(), 20u) << "the fragments share schemas through $ref";
  for (const auto& [where, ref] : refs) {
    EXPECT_EQ(ref.rfind("#/", 0), 0u) << where << ": the document must be self-contained: " << ref;
    EXPECT_NE(Deref(doc_, json::object{{"$ref", ref}}), nullptr) << where << ": unresolved " << ref;
  }
  // Every defined schema is used, so a renamed schema does not leave its old name behind.
  std::set<std::string> used;
  for (const auto& [where, ref] : refs) used.insert(ref);
  for (const auto& [name, unused] : doc_.at("components").at("schemas").as_object())
    EXPECT_TRUE(used.count("#/components/schemas/" + std::string(name))) << "schema " << name << " is never used";
}

TEST_F(OpenApiTest, DocumentsExactlyTheRoutesTheServerHas) {
  std::set<std::pair<std::string, std::string>> routes, documented;
  for (const http::RouteInfo& r : app_.router().Routes())
    routes.emplace(r.pattern, Lower(http::MethodName(r.method)));
  for (const auto& [path, item] : doc_.at("paths").as_object())
    for (const auto& [method, unused] : item.as_object())
      if (kOperationKeys.count(std::string(method))) documented.emplace(std::string(path), std::string(method));
  ASSERT_GE(routes.size(), 30u) << "the router lost its routes";
  for (const auto& [path, method] : routes)
    EXPECT_TRUE(documented.count({path, method})) << "undocumented route: " << method << " " << path;
  for (const auto& [path, method] : documented)
    EXPECT_TRUE(routes.count({path, method})) << "documented but not served (stale): " << method << " " << path;
}

TEST_F(OpenApiTest, RepliesAndRequestsMatchTheDocument) {
  auth::AuthService& auth = *app_.services().auth;
  auto member = auth.CreateUser(app_.workspace_id(),
                                auth::NewUser{"member@example.com", "Mem", auth::Role::kMember, "member password"});
  ASSERT_TRUE(member.ok()) << member.status().ToString();
  const std::string member_id = IdToString(member->id);
  const std::string member_token = auth.CreateToken(app_.workspace_id(), member->id, "member")->token;
  auto session = auth.Login(auth::LoginRequest{"admin@example.com", "correct horse battery", {}, "t"});
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::pair<std::string, std::string> cookie = {"Cookie", "rally_session=" + session->session_token};
  const std::pair<std::string, std::string> csrf = {"X-CSRF-Token", session->csrf_token};

  const std::string field = Post("/api/v1/custom-fields", R"({"key":"industry","type":"select","options":["Retail","Software"]})");
  const std::string spare_field = Post("/api/v1/custom-fields", R"({"key":"spare","type":"text"})");
  const std::string contact = Post("/api/v1/contacts",
                                   R"({"email":"ada@example.com","company":"Acme","tags":["Inbound","Lead"],"custom":{"industry":"Retail"}})");
  const std::string doomed = Post("/api/v1/contacts", R"({"email":"doomed@example.com"})");
  const std::string spare_token = Post("/api/v1/tokens", R"({"name":"spare"})");
  const std::string view = Post("/api/v1/views", R"({"name":"Retail","q":"industry:Retail","columns":["email","industry"],
                                                      "visibility":"shared"})");
  ASSERT_FALSE(view.empty());
  const std::string v = "/api/v1/views/" + view;
  std::string company, inbound, lead;
  {
    Reply c = app_.Call("GET", "/api/v1/contacts/" + contact);
    company = std::string(c.json.at("company").at("id").as_string());
    Reply tags = app_.Call("GET", "/api/v1/tags");
    for (const json::value& t : tags.json.at("data").as_array()) {
      if (t.at("name") == "Inbound") inbound = std::string(t.at("id").as_string());
      if (t.at("name") == "Lead") lead = std::string(t.at("id").as_string());
    }
  }
  ASSERT_FALSE(field.empty() || spare_field.empty() || contact.empty() || doomed.empty() || spare_token.empty() ||
               company.empty() || inbound.empty() || lead.empty());
  std::string batch_1001 = R"({"items":[)";
  for (int i = 0; i <= 1000; ++i) batch_1001 += std::string(i ? "," : "") + R"({"email":"b)" + std::to_string(i) + R"(@x.io"})";
  batch_1001 += "]}";
  const std::string c = "/api/v1/contacts/" + contact;
  const std::string cf = "/api/v1/custom-fields/" + field;

  // Jobs: one that ran to success, one waiting a day (so it can be canceled), both the admin's.
  jobs::JobQueue& queue = *app_.services().jobs;
  queue.RegisterHandler("test.probe", [](jobs::JobContext& ctx) {
    RALLY_RETURN_IF_ERROR(ctx.ReportProgress(json::object{{"done", 1}, {"total", 1}, {"message", "rows"}}));
    ctx.SetResult(json::object{{"rows", 1}});
    return Status::Ok();
  });
  jobs::SubmitOptions by_admin;
  by_admin.created_by = app_.admin_user_id();
  by_admin.actor = jobs::JobActor{"user", app_.admin_user_id()};
  auto done_job = queue.Submit(app_.workspace_id(), "test.probe", json::object{{"file", "a.csv"}}, by_admin);
  by_admin.run_after = Now() + kMicrosPerDay;
  auto waiting_job = queue.Submit(app_.workspace_id(), "test.probe", nullptr, by_admin);
  ASSERT_TRUE(done_job.ok() && waiting_job.ok());
  for (int i = 0; i < 1000 && queue.Get(app_.workspace_id(), *done_job)->state != jobs::JobState::kSucceeded; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(queue.Get(app_.workspace_id(), *done_job)->state, jobs::JobState::kSucceeded) << "the server runs jobs";
  const std::string done = "/api/v1/jobs/" + IdToString(*done_job);

  // Imports: one uploaded and left waiting, one run to the end (by its job) for revert.
  const std::vector<std::pair<std::string, std::string>> csv_type = {{"Content-Type", "text/csv"}};
  const std::string import_csv = "Email,Name,Industry\r\nz@x.io,Zed Zulu,Retail\r\nnot-an-email,Bad,\r\n";
  std::string waiting_import, done_import;
  for (std::string* id : {&waiting_import, &done_import}) {
    Reply r = app_.Call("POST", "/api/v1/imports?file_name=z.csv", import_csv, TestApp::kAdminToken, csv_type);
    ASSERT_EQ(r.status, 201) << r.body;
    *id = "/api/v1/imports/" + Id(r);
  }
  ASSERT_EQ(app_.Call("POST", done_import + "/start").status, 202);
  for (int i = 0; i < 1000 && app_.Call("GET", done_import).json.at("state") != "succeeded"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(app_.Call("GET", done_import).json.at("state"), "succeeded");
  const std::string mapping = Post("/api/v1/import-mappings",
                                   R"({"name":"probe","headers":["Email","Name"],"mapping":{"Email":"email","Name":"full_name"}})");
  const std::string waiting = "/api/v1/jobs/" + IdToString(*waiting_job);

  // A finished export job, for its status and file routes.
  std::string export_job;
  {
    Reply started = app_.Call("POST", "/api/v1/exports", R"({"columns":["email"]})");
    ASSERT_EQ(started.status, 202) << started.body;
    export_job = Id(started);
    for (int i = 0; i < 300; ++i) {
      Reply r = app_.Call("GET", "/api/v1/exports/" + export_job);
      if (r.json.is_object() && r.json.at("state") == "succeeded") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  const std::vector<Probe> probes = {
      {"health", "GET", "/healthz", "/healthz", "", 200, ""},
      {"metrics", "GET", "/metrics", "/metrics", "", 200},
      {"openapi", "GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", 200},

      {"login", "POST", "/api/v1/auth/login", "/api/v1/auth/login",
       R"({"email":"member@example.com","password":"member password"})", 200, ""},
      {"login wrong password", "POST", "/api/v1/auth/login", "/api/v1/auth/login",
       R"({"email":"member@example.com","password":"nope nope"})", 401, ""},
      {"login without password", "POST", "/api/v1/auth/login", "/api/v1/auth/login", R"({"email":"a@b.io"})", 422, ""},
      {"login malformed", "POST", "/api/v1/auth/login", "/api/v1/auth/login", "{", 400, ""},
      {"me", "GET", "/api/v1/auth/me", "/api/v1/auth/me", "", 200},
      {"me by session", "GET", "/api/v1/auth/me", "/api/v1/auth/me", "", 200, "", {cookie}},
      {"me without token", "GET", "/api/v1/auth/me", "/api/v1/auth/me", "", 401, ""},
      {"logout without CSRF", "POST", "/api/v1/auth/logout", "/api/v1/auth/logout", "", 403, "", {cookie}},

      {"workspace", "GET", "/api/v1/workspace", "/api/v1/workspace", "", 200},
      {"rename workspace", "PATCH", "/api/v1/workspace", "/api/v1/workspace", R"({"name":"Team","default_region":"GB"})", 200},
      {"workspace bad region", "PATCH", "/api/v1/workspace", "/api/v1/workspace", R"({"default_region":"Narnia"})", 422},
      {"workspace as member", "PATCH", "/api/v1/workspace", "/api/v1/workspace", R"({"name":"Mine"})", 403, member_token},
      {"workspace malformed", "PATCH", "/api/v1/workspace", "/api/v1/workspace", "{", 400},

      {"users", "GET", "/api/v1/users", "/api/v1/users", "", 200},
      {"create user", "POST", "/api/v1/users", "/api/v1/users",
       R"({"email":"new@example.com","name":"New","role":"member","password":"long enough"})", 201},
      {"create user as member", "POST", "/api/v1/users", "/api/v1/users", R"({"email":"x@example.com"})", 403, member_token},
      {"create duplicate user", "POST", "/api/v1/users", "/api/v1/users", R"({"email":"MEMBER@example.com"})", 409},
      {"create bad user", "POST", "/api/v1/users", "/api/v1/users", R"({"email":"nope","role":"owner"})", 422},
      {"create user malformed", "POST", "/api/v1/users", "/api/v1/users", "[", 400},
      {"get user", "GET", "/api/v1/users/{id}", "/api/v1/users/" + member_id, "", 200},
      {"get unknown user", "GET", "/api/v1/users/{id}", "/api/v1/users/1", "", 404},
      {"patch user", "PATCH", "/api/v1/users/{id}", "/api/v1/users/" + member_id, R"({"name":"Renamed"})", 200},
      {"patch user as member", "PATCH", "/api/v1/users/{id}", "/api/v1/users/" + member_id, R"({"name":"x"})", 403, member_token},
      {"demote the last admin", "PATCH", "/api/v1/users/{id}", "/api/v1/users/" + IdToString(app_.admin_user_id()),
       R"({"role":"member"})", 409},
      {"patch user bad field", "PATCH", "/api/v1/users/{id}", "/api/v1/users/" + member_id, R"({"disabled":"yes"})", 422},
      {"patch unknown user", "PATCH", "/api/v1/users/{id}", "/api/v1/users/1", R"({"name":"x"})", 404},

      {"tokens", "GET", "/api/v1/tokens", "/api/v1/tokens", "", 200},
      {"create token", "POST", "/api/v1/tokens", "/api/v1/tokens", R"({"name":"ci"})", 201},
      {"create token for a member", "POST", "/api/v1/tokens", "/api/v1/tokens",
       R"({"name":"for member","user_id":")" + member_id + R"("})", 201},
      {"create token without name", "POST", "/api/v1/tokens", "/api/v1/tokens", R"({})", 422},
      {"member creates a token for another", "POST", "/api/v1/tokens", "/api/v1/tokens",
       R"({"name":"x","user_id":")" + IdToString(app_.admin_user_id()) + R"("})", 403, member_token},
      {"revoke token", "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/" + spare_token, "", 204},
      {"revoke unknown token", "DELETE", "/api/v1/tokens/{id}", "/api/v1/tokens/" + spare_token, "", 404},

      {"custom fields", "GET", "/api/v1/custom-fields", "/api/v1/custom-fields", "", 200},
      {"create custom field", "POST", "/api/v1/custom-fields", "/api/v1/custom-fields",
       R"({"key":"renewal","label":"Renewal","type":"date","position":3})", 201},
      {"create duplicate custom field", "POST", "/api/v1/custom-fields", "/api/v1/custom-fields",
       R"({"key":"industry","type":"text"})", 409},
      {"create bad custom field", "POST", "/api/v1/custom-fields", "/api/v1/custom-fields", R"({"key":"9x","type":"blob"})", 422},
      {"create custom field as member", "POST", "/api/v1/custom-fields", "/api/v1/custom-fields",
       R"({"key":"mine","type":"text"})", 403, member_token},
      {"create custom field malformed", "POST", "/api/v1/custom-fields", "/api/v1/custom-fields", "{", 400},
      {"get custom field", "GET", "/api/v1/custom-fields/{id}", cf, "", 200},
      {"get unknown custom field", "GET", "/api/v1/custom-fields/{id}", "/api/v1/custom-fields/1", "", 404},
      {"rename custom field", "PATCH", "/api/v1/custom-fields/{id}", cf,
       R"({"label":"Sector","options":["Retail","Software","Mining"]})", 200},
      {"change a custom field's key", "PATCH", "/api/v1/custom-fields/{id}", cf, R"({"key":"sector"})", 422},
      {"remove an option in use", "PATCH", "/api/v1/custom-fields/{id}", cf, R"({"options":["Software"]})", 409},
      {"patch custom field as member", "PATCH", "/api/v1/custom-fields/{id}", cf, R"({"label":"x"})", 403, member_token},
      {"patch unknown custom field", "PATCH", "/api/v1/custom-fields/{id}", "/api/v1/custom-fields/1", R"({"label":"x"})", 404},
      {"delete custom field as member", "DELETE", "/api/v1/custom-fields/{id}", "/api/v1/custom-fields/" + spare_field, "", 403,
       member_token},
      {"delete custom field", "DELETE", "/api/v1/custom-fields/{id}", "/api/v1/custom-fields/" + spare_field, "", 204},
      {"delete unknown custom field", "DELETE", "/api/v1/custom-fields/{id}", "/api/v1/custom-fields/" + spare_field, "", 404},

      {"list contacts", "GET", "/api/v1/contacts", "/api/v1/contacts?limit=1&sort=-lead_score", "", 200},
      {"list contacts bad limit", "GET", "/api/v1/contacts", "/api/v1/contacts?limit=0", "", 422},
      {"list contacts with a filter", "GET", "/api/v1/contacts", "/api/v1/contacts?q=tag:x%20ada", "", 200},
      {"list contacts with a bad filter", "GET", "/api/v1/contacts", "/api/v1/contacts?q=colour:red", "", 400},
      {"search contacts", "POST", "/api/v1/contacts/search", "/api/v1/contacts/search",
       R"({"filter":{"or":[{"field":"lead_score","op":"gte","value":0},{"search":"ada"}]},"sort":"-score","limit":1})", 200},
      {"search contacts bad filter", "POST", "/api/v1/contacts/search", "/api/v1/contacts/search",
       R"({"filter":{"field":"colour","op":"eq","value":"red"}})", 400},
      {"count contacts", "GET", "/api/v1/contacts/count", "/api/v1/contacts/count?q=score:%3E%3D0", "", 200},
      {"count contacts bad filter", "GET", "/api/v1/contacts/count", "/api/v1/contacts/count?q=score:x", "", 400},
      {"parse a text filter", "POST", "/api/v1/filters/parse", "/api/v1/filters/parse", R"({"q":"tag:vip score:>50"})", 200},
      {"parse a JSON filter", "POST", "/api/v1/filters/parse", "/api/v1/filters/parse",
       R"({"filter":{"field":"stage","op":"in","value":["lead","customer"]}})", 200},
      {"parse a bad filter", "POST", "/api/v1/filters/parse", "/api/v1/filters/parse", R"({"q":"stage:won"})", 400},
      {"create contact", "POST", "/api/v1/contacts", "/api/v1/contacts",
       R"({"email":"grace@navy.example","first_name":"Grace","last_name":"Hopper","phone":"+1 415 555 2671",
           "mobile":"0","linkedin":"gracehopper","twitter":"@grace","title":"Rear Admiral","department":"Navy",
           "street":"1 Main St","city":"Arlington","state":"VA","postal_code":"22201","country":"US",
           "lifecycle_stage":"Customer","lead_score":88,"lead_source":"referral","tags":"navy, COBOL",
           "owner":"admin@example.com","company":{"name":"Navy","domain":"navy.example"},
           "custom":{"industry":"Software","renewal":"2026-01-31"},"additional_emails":["grace@home.example"]})",
       201},
      {"create duplicate contact", "POST", "/api/v1/contacts", "/api/v1/contacts", R"({"email":" ADA@example.com"})", 409},
      {"create bad contact", "POST", "/api/v1/contacts", "/api/v1/contacts", R"({"email":"nope"})", 422},
      {"create contact malformed", "POST", "/api/v1/contacts", "/api/v1/contacts", "{", 400},
      {"batch", "POST", "/api/v1/contacts/batch", "/api/v1/contacts/batch",
       R"({"items":[{"email":"b1@x.io"},{"email":"ada@example.com","title":"CEO"},{"email":"bad"}]})", 200},
      {"batch of 1001", "POST", "/api/v1/contacts/batch", "/api/v1/contacts/batch", batch_1001, 413},
      {"batch without items", "POST", "/api/v1/contacts/batch", "/api/v1/contacts/batch", "{}", 422},
      {"batch malformed", "POST", "/api/v1/contacts/batch", "/api/v1/contacts/batch", "{", 400},
      {"by email", "GET", "/api/v1/contacts/by-email/{email}", "/api/v1/contacts/by-email/ADA@example.com", "", 200},
      {"by unknown email", "GET", "/api/v1/contacts/by-email/{email}", "/api/v1/contacts/by-email/x@y.io", "", 404},
      {"get contact", "GET", "/api/v1/contacts/{id}", c, "", 200},
      {"get unknown contact", "GET", "/api/v1/contacts/{id}", "/api/v1/contacts/1", "", 404},
      {"patch contact", "PATCH", "/api/v1/contacts/{id}", c,
       R"({"title":"CTO","add_tags":["vip"],"remove_tags":["Lead"],"lead_score":"55"})", 200},
      {"patch contact bad", "PATCH", "/api/v1/contacts/{id}", c, R"({"lead_score":101})", 422},
      {"patch contact onto another's email", "PATCH", "/api/v1/contacts/{id}", c, R"({"email":"doomed@example.com"})", 409},
      {"patch contact malformed", "PATCH", "/api/v1/contacts/{id}", c, "{", 400},
      {"patch unknown contact", "PATCH", "/api/v1/contacts/{id}", "/api/v1/contacts/1", R"({"title":"x"})", 404},
      {"timeline", "GET", "/api/v1/contacts/{id}/timeline", c + "/timeline?limit=50", "", 200},
      {"timeline bad type", "GET", "/api/v1/contacts/{id}/timeline", c + "/timeline?type=gossip", "", 422},
      {"timeline of unknown contact", "GET", "/api/v1/contacts/{id}/timeline", "/api/v1/contacts/1/timeline", "", 404},
      {"add note", "POST", "/api/v1/contacts/{id}/activities", c + "/activities", R"({"type":"note","body":"Call back"})", 201},
      {"add note without body", "POST", "/api/v1/contacts/{id}/activities", c + "/activities", R"({"type":"note"})", 422},
      {"add change entry", "POST", "/api/v1/contacts/{id}/activities", c + "/activities", R"({"type":"field_updated"})", 400},
      {"add note to unknown contact", "POST", "/api/v1/contacts/{id}/activities", "/api/v1/contacts/1/activities",
       R"({"type":"note","body":"x"})", 404},
      {"timeline after all that", "GET", "/api/v1/contacts/{id}/timeline", c + "/timeline", "", 200},
      {"delete contact", "DELETE", "/api/v1/contacts/{id}", "/api/v1/contacts/" + doomed, "", 204},
      {"delete unknown contact", "DELETE", "/api/v1/contacts/{id}", "/api/v1/contacts/" + doomed, "", 404},
      {"restore contact", "POST", "/api/v1/contacts/{id}/restore", "/api/v1/contacts/" + doomed + "/restore", "", 200},
      {"restore a live contact", "POST", "/api/v1/contacts/{id}/restore", "/api/v1/contacts/" + doomed + "/restore", "", 409},
      {"restore unknown contact", "POST", "/api/v1/contacts/{id}/restore", "/api/v1/contacts/1/restore", "", 404},

      {"companies", "GET", "/api/v1/companies", "/api/v1/companies?limit=10", "", 200},
      {"companies bad sort", "GET", "/api/v1/companies", "/api/v1/companies?sort=size", "", 422},
      {"company", "GET", "/api/v1/companies/{id}", "/api/v1/companies/" + company, "", 200},
      {"unknown company", "GET", "/api/v1/companies/{id}", "/api/v1/companies/1", "", 404},

      {"tags", "GET", "/api/v1/tags", "/api/v1/tags", "", 200},
      {"rename tag", "PATCH", "/api/v1/tags/{id}", "/api/v1/tags/" + inbound, R"({"name":"Inbound Lead"})", 200},
      {"rename tag onto another", "PATCH", "/api/v1/tags/{id}", "/api/v1/tags/" + inbound, R"({"name":"vip"})", 409},
      {"rename tag blank", "PATCH", "/api/v1/tags/{id}", "/api/v1/tags/" + inbound, R"({"name":""})", 422},
      {"rename unknown tag", "PATCH", "/api/v1/tags/{id}", "/api/v1/tags/1", R"({"name":"x"})", 404},
      {"merge tag into itself", "POST", "/api/v1/tags/{id}/merge", "/api/v1/tags/" + lead + "/merge",
       R"({"into":")" + lead + R"("})", 422},
      {"merge tag", "POST", "/api/v1/tags/{id}/merge", "/api/v1/tags/" + lead + "/merge", R"({"into":")" + inbound + R"("})", 200},
      {"merge unknown tag", "POST", "/api/v1/tags/{id}/merge", "/api/v1/tags/" + lead + "/merge", R"({"into":")" + inbound + R"("})", 404},
      {"delete tag", "DELETE", "/api/v1/tags/{id}", "/api/v1/tags/" + inbound, "", 204},
      {"delete unknown tag", "DELETE", "/api/v1/tags/{id}", "/api/v1/tags/" + inbound, "", 404},

      {"views", "GET", "/api/v1/views", "/api/v1/views", "", 200},
      {"create view", "POST", "/api/v1/views", "/api/v1/views",
       R"({"name":"Mine","filter":{"field":"lead_score","op":"gt","value":50},"sort":"-score"})", 201, member_token},
      {"create view with a taken name", "POST", "/api/v1/views", "/api/v1/views",
       R"({"name":"RETAIL","visibility":"shared"})", 409},
      {"create view bad filter", "POST", "/api/v1/views", "/api/v1/views", R"({"name":"x","q":"colour:red"})", 400},
      {"create view bad column", "POST", "/api/v1/views", "/api/v1/views", R"({"name":"x","columns":["colour"]})", 422},
      {"create view malformed", "POST", "/api/v1/views", "/api/v1/views", "{", 400},
      {"get view", "GET", "/api/v1/views/{id}", v, "", 200, member_token},
      {"get unknown view", "GET", "/api/v1/views/{id}", "/api/v1/views/1", "", 404},
      {"patch view as member", "PATCH", "/api/v1/views/{id}", v, R"({"name":"x"})", 403, member_token},
      {"patch view", "PATCH", "/api/v1/views/{id}", v, R"({"sort":"email","columns":["email","stage"]})", 200},
      {"patch view bad visibility", "PATCH", "/api/v1/views/{id}", v, R"({"visibility":"public"})", 422},
      {"patch view bad filter", "PATCH", "/api/v1/views/{id}", v, R"({"q":"score:x"})", 400},
      {"patch unknown view", "PATCH", "/api/v1/views/{id}", "/api/v1/views/1", R"({"name":"x"})", 404},
      {"run view", "GET", "/api/v1/views/{id}/contacts", v + "/contacts?limit=10", "", 200, member_token},
      {"run view bad limit", "GET", "/api/v1/views/{id}/contacts", v + "/contacts?limit=0", "", 422},
      {"run unknown view", "GET", "/api/v1/views/{id}/contacts", "/api/v1/views/1/contacts", "", 404},
      {"bulk", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk",
       R"({"q":"industry:Retail","action":{"type":"update","set":{"stage":"customer"},"add_tags":["bulk"]}})", 200},
      {"bulk on a view", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk",
       R"({"view":")" + view + R"(","action":{"type":"remove_tags","tags":["bulk"]}})", 200, member_token},
      {"bulk bad filter", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk",
       R"({"q":"colour:red","action":{"type":"delete"}})", 400},
      {"bulk bad action", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk",
       R"({"q":"","action":{"type":"set_stage","stage":"won"}})", 422},
      {"bulk unknown view", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk",
       R"({"view":"1","action":{"type":"delete"}})", 404},
      {"bulk malformed", "POST", "/api/v1/contacts/bulk", "/api/v1/contacts/bulk", "{", 400},
      {"delete view as member", "DELETE", "/api/v1/views/{id}", v, "", 403, member_token},
      {"delete view", "DELETE", "/api/v1/views/{id}", v, "", 204},
      {"delete unknown view", "DELETE", "/api/v1/views/{id}", v, "", 404},

      {"export CSV", "GET", "/api/v1/exports", "/api/v1/exports?q=industry:Retail&sort=email&columns=email,tags&delimiter=tab&bom=true&protect=false", "", 200},
      {"export xlsx", "GET", "/api/v1/exports", "/api/v1/exports?format=xlsx&columns=all", "", 200},
      {"export JSON filter", "GET", "/api/v1/exports", "/api/v1/exports?filter=%7B%22and%22%3A%5B%5D%7D", "", 200},
      {"export bad filter", "GET", "/api/v1/exports", "/api/v1/exports?q=colour:red", "", 400},
      {"export bad column", "GET", "/api/v1/exports", "/api/v1/exports?columns=colour", "", 422},
      {"export unknown view", "GET", "/api/v1/exports", "/api/v1/exports?view=1", "", 404},
      {"start export job", "POST", "/api/v1/exports", "/api/v1/exports",
       R"({"q":"industry:Retail","sort":"email","columns":["email","tags"],"format":"csv","delimiter":";","bom":false,"protect":true})", 202},
      {"start export job bad column", "POST", "/api/v1/exports", "/api/v1/exports", R"({"columns":"colour"})", 422},
      {"start export job malformed", "POST", "/api/v1/exports", "/api/v1/exports", "{", 400},
      {"export job", "GET", "/api/v1/exports/{id}", "/api/v1/exports/" + export_job, "", 200},
      {"unknown export job", "GET", "/api/v1/exports/{id}", "/api/v1/exports/1", "", 404},
      {"export job file", "GET", "/api/v1/exports/{id}/file", "/api/v1/exports/" + export_job + "/file", "", 200},
      {"unknown export job file", "GET", "/api/v1/exports/{id}/file", "/api/v1/exports/1/file", "", 404},

      {"jobs", "GET", "/api/v1/jobs", "/api/v1/jobs?limit=1", "", 200},
      {"jobs by state and kind", "GET", "/api/v1/jobs", "/api/v1/jobs?state=succeeded&kind=test.probe", "", 200},
      {"jobs bad state", "GET", "/api/v1/jobs", "/api/v1/jobs?state=done", "", 422},
      {"jobs bad cursor", "GET", "/api/v1/jobs", "/api/v1/jobs?cursor=next", "", 422},
      {"job", "GET", "/api/v1/jobs/{id}", done, "", 200},
      {"waiting job", "GET", "/api/v1/jobs/{id}", waiting, "", 200, member_token},
      {"unknown job", "GET", "/api/v1/jobs/{id}", "/api/v1/jobs/1", "", 404},
      {"cancel another's job as member", "POST", "/api/v1/jobs/{id}/cancel", waiting + "/cancel", "", 403, member_token},
      {"cancel job", "POST", "/api/v1/jobs/{id}/cancel", waiting + "/cancel", "", 200},
      {"cancel a succeeded job", "POST", "/api/v1/jobs/{id}/cancel", done + "/cancel", "", 409},
      {"cancel unknown job", "POST", "/api/v1/jobs/{id}/cancel", "/api/v1/jobs/1/cancel", "", 404},

      {"upload", "POST", "/api/v1/imports", "/api/v1/imports?file_name=a.csv&options=%7B%22mode%22%3A%22create_only%22%7D",
       import_csv, 201, TestApp::kAdminToken, csv_type},
      {"upload multipart", "POST", "/api/v1/imports", "/api/v1/imports",
       "--XyZ\r\nContent-Disposition: form-data; name=\"options\"\r\n\r\n{\"tags\":[\"fair\"]}\r\n"
       "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
           import_csv + "\r\n--XyZ--\r\n",
       201, TestApp::kAdminToken, {{"Content-Type", "multipart/form-data; boundary=XyZ"}}},
      {"upload empty", "POST", "/api/v1/imports", "/api/v1/imports", "", 400, TestApp::kAdminToken, csv_type},
      {"upload bad options", "POST", "/api/v1/imports", "/api/v1/imports?options=%7B%22mode%22%3A1%7D", import_csv, 422,
       TestApp::kAdminToken, csv_type},
      {"imports", "GET", "/api/v1/imports", "/api/v1/imports?limit=1", "", 200},
      {"imports bad cursor", "GET", "/api/v1/imports", "/api/v1/imports?cursor=x", "", 422},
      {"import", "GET", "/api/v1/imports/{id}", done_import, "", 200},
      {"unknown import", "GET", "/api/v1/imports/{id}", "/api/v1/imports/1", "", 404},
      {"preview", "POST", "/api/v1/imports/{id}/preview", waiting_import + "/preview", R"({"mapping":{"Name":"full_name"}})", 200},
      {"preview bad mapping", "POST", "/api/v1/imports/{id}/preview", waiting_import + "/preview", R"({"mapping":{"Name":"colour"}})", 422},
      {"dry run", "POST", "/api/v1/imports/{id}/dry-run", waiting_import + "/dry-run", R"({"tags":["fair"]})", 200},
      {"dry run of a finished import", "POST", "/api/v1/imports/{id}/dry-run", done_import + "/dry-run", "", 409},
      {"start bad options", "POST", "/api/v1/imports/{id}/start", waiting_import + "/start", R"({"mode":"sideways"})", 422},
      {"start twice", "POST", "/api/v1/imports/{id}/start", done_import + "/start", "", 409},
      {"errors.csv", "GET", "/api/v1/imports/{id}/errors.csv", done_import + "/errors.csv", "", 200},
      {"fields", "GET", "/api/v1/imports/fields", "/api/v1/imports/fields", "", 200},
      {"template.csv", "GET", "/api/v1/imports/template.csv", "/api/v1/imports/template.csv", "", 200},
      {"template.xlsx", "GET", "/api/v1/imports/template.xlsx", "/api/v1/imports/template.xlsx", "", 200},
      {"revert as member", "POST", "/api/v1/imports/{id}/revert", done_import + "/revert", "", 403, member_token},
      {"revert", "POST", "/api/v1/imports/{id}/revert", done_import + "/revert", "", 200},
      {"revert unfinished", "POST", "/api/v1/imports/{id}/revert", waiting_import + "/revert", "", 409},
      {"cancel import", "POST", "/api/v1/imports/{id}/cancel", waiting_import + "/cancel", "", 200},
      {"cancel reverted import", "POST", "/api/v1/imports/{id}/cancel", done_import + "/cancel", "", 409},
      {"start canceled", "POST", "/api/v1/imports/{id}/start", waiting_import + "/start", "", 409},
      {"mappings", "GET", "/api/v1/import-mappings", "/api/v1/import-mappings?header_hash=0", "", 200},
      {"save mapping", "POST", "/api/v1/import-mappings", "/api/v1/import-mappings",
       R"({"name":"other","headers":["E"],"mapping":{"E":"email"}})", 201},
      {"save bad mapping", "POST", "/api/v1/import-mappings", "/api/v1/import-mappings",
       R"({"name":"bad","headers":["E"],"mapping":{"E":"colour"}})", 422},
      {"delete mapping", "DELETE", "/api/v1/import-mappings/{id}", "/api/v1/import-mappings/" + mapping, "", 204},
      {"delete unknown mapping", "DELETE", "/api/v1/import-mappings/{id}", "/api/v1/import-mappings/1", "", 404},

      // Last: it ends the session the probes above used.
      {"logout", "POST", "/api/v1/auth/logout", "/api/v1/auth/logout", "", 204, "", {cookie, csrf}},
  };
  std::set<std::pair<std::string, std::string>> probed;
  for (const Probe& p : probes) {
    probed.emplace(p.route, p.method);
    for (const std::string& problem : Run(p)) ADD_FAILURE() << p.name << " (" << p.method << " " << p.target << "): " << problem;
  }
  // The table reaches every route, so a new route cannot skip this check.
  for (const http::RouteInfo& r : app_.router().Routes())
    EXPECT_TRUE(probed.count({r.pattern, std::string(http::MethodName(r.method))}))
        << "no probe for " << http::MethodName(r.method) << " " << r.pattern;
}

}  // namespace
}  // namespace rally::api
