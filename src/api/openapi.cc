#include "api/openapi.h"

#include <stdexcept>

namespace rally::api {
namespace {

void MergeObject(json::object& into, const json::object& from, const std::string& what) {
  for (const auto& [key, value] : from) {
    if (into.contains(key)) throw std::runtime_error("OpenAPI: duplicate " + what + " " + std::string(key));
    into[key] = value;
  }
}

json::object Build() {
  json::object doc;
  json::object paths;
  json::object schemas;
  json::object components;
  for (const auto& [name, text] : OpenApiFragments()) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) throw std::runtime_error("OpenAPI fragment " + std::string(name) + " is not a JSON object");
    json::object& frag = v.get_object();
    if (name == "base.json") {
      for (const auto& [key, value] : frag)
        if (key != "paths" && key != "components") doc[key] = value;
    }
    if (auto* p = frag.if_contains("paths"); p && p->is_object()) {
      for (const auto& [path, ops] : p->get_object()) {
        json::object& target = paths[path].is_object() ? paths[path].get_object() : paths[path].emplace_object();
        MergeObject(target, ops.get_object(), "operation on " + std::string(path) + ":");
      }
    }
    if (auto* c = frag.if_contains("components"); c && c->is_object()) {
      for (const auto& [kind, entries] : c->get_object()) {
        if (!entries.is_object()) continue;
        if (kind == "schemas") {
          MergeObject(schemas, entries.get_object(), "schema");
        } else {
          if (!components[kind].is_object()) components[kind].emplace_object();
          MergeObject(components[kind].get_object(), entries.get_object(), std::string(kind));
        }
      }
    }
  }
  components["schemas"] = std::move(schemas);
  doc["paths"] = std::move(paths);
  doc["components"] = std::move(components);
  return doc;
}

}  // namespace

const json::object& OpenApiDocument() {
  static const json::object doc = Build();
  return doc;
}

}  // namespace rally::api
