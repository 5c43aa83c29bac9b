// /openapi.json against the server: the paths it lists are exactly the routes the handlers answer
// (api/routes.hpp and the static files), with their parameters, and every status, media type and
// JSON body the handlers answer with is the one the document describes.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>

#include "api/assets.hpp"
#include "api/routes.hpp"
#include "tests/api/fixture.hpp"

namespace givewatch::api {
namespace {

namespace json = boost::json;
using test::Fixture;

constexpr std::uint64_t kBsc = 56;

/// A fixture with two donations to memorial on bsc, one confirmed, and the served document.
struct Described {
  Fixture f;
  json::value doc;
  std::string tx_hash;

  Described() {
    const auto d = f.donation(kBsc, "BUSD", "memorial", 1'500, 10, 0, 1);
    f.apply(kBsc, {d, f.donation(kBsc, "USDC", "memorial", 250, 20, 3, 2)}, 15);
    f.sign_with("0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");  // attestations answer 200
    tx_hash = core::to_hex(d.tx_hash);
    doc = json::parse(f.get("/openapi.json").payload());
  }

  /// The documented GET of `path`.
  const json::object& get(const std::string& path) const {
    return doc.at("paths").at(path).at("get").as_object();
  }

  /// `path` with each "{name}" replaced by a value the fixture knows, or by `unknown` for `name`.
  std::string example(std::string path, const std::string& unknown = "") const {
    const std::map<std::string, std::string> known = {
        {"id", "memorial"}, {"chain", "bsc"}, {"tx_hash", tx_hash}};
    for (const auto& [name, value] : known) {
      const std::string brace = "{" + name + "}";
      if (auto at = path.find(brace); at != std::string::npos)
        path.replace(at, brace.size(), name == unknown ? "nope" : value);
    }
    return path;
  }

  /// The object a {"$ref": "#/..."} names, followed to the end; anything else as it is.
  const json::value& resolve(const json::value& v) const {
    if (!v.is_object() || !v.as_object().contains("$ref")) return v;
    const std::string ref(v.at("$ref").as_string());
    boost::system::error_code ec;
    const json::value* target = doc.find_pointer(ref.substr(1), ec);
    if (target == nullptr) throw std::runtime_error("the document has no " + ref);
    return resolve(*target);
  }

  /// What of `value` (at `where`) the schema does not describe: a property it lacks, a required one
  /// missing, a type or enum value that differs, a null that is not nullable.
  void check(const json::value& schema_or_ref, const json::value& value, const std::string& where,
             std::vector<std::string>& problems) const {
    const json::object& s = resolve(schema_or_ref).as_object();
    if (value.is_null()) {
      if (!s.contains("nullable") || !s.at("nullable").as_bool()) problems.push_back(where + " is null");
      return;
    }
    if (const auto* all = s.if_contains("allOf")) {
      for (const auto& sub : all->as_array()) check(sub, value, where, problems);
    }
    if (const auto* e = s.if_contains("enum");
        e && std::find(e->as_array().begin(), e->as_array().end(), value) == e->as_array().end()) {
      problems.push_back(where + " = " + json::serialize(value) + " is not in its enum");
    }
    const auto* type = s.if_contains("type");
    if (type == nullptr) return;
    const std::string t(type->as_string());
    const bool same = t == "object"    ? value.is_object()
                      : t == "array"   ? value.is_array()
                      : t == "string"  ? value.is_string()
                      : t == "integer" ? value.is_int64() || value.is_uint64()
                      : t == "number"  ? value.is_number()
                                       : t == "boolean" && value.is_bool();
    if (!same) {
      problems.push_back(where + " = " + json::serialize(value) + " is not of type " + t);
    } else if (t == "array" && s.contains("items")) {
      for (std::size_t i = 0; i < value.as_array().size(); ++i) {
        check(s.at("items"), value.as_array()[i], where + "[" + std::to_string(i) + "]", problems);
      }
    } else if (t == "object") {
      for (const auto& name : s.contains("required") ? s.at("required").as_array() : json::array{}) {
        if (!value.as_object().contains(name.as_string()))
          problems.push_back(where + " has no " + json::serialize(name));
      }
      // An object with listed properties has only those, unless additionalProperties says otherwise.
      const auto* properties = s.if_contains("properties");
      for (const auto& [name, v] : properties ? value.as_object() : json::object{}) {
        if (properties->as_object().contains(name)) {
          check(properties->at(name), v, where + "." + std::string(name), problems);
        } else if (!s.contains("additionalProperties")) {
          problems.push_back(where + "." + std::string(name) + " is not in the document");
        }
      }
    }
  }

  /// Expects the answer to `target`, a request for the documented `path`, to be described there:
  /// its status, its media type and (JSON) its body.
  void expect_documented(const std::string& path, const std::string& target, const Response& r) const {
    const auto& responses = get(path).at("responses").as_object();
    const auto* documented = responses.if_contains(std::to_string(r.status));
    if (documented == nullptr) {
      ADD_FAILURE() << path << " does not document status " << r.status << ", the answer to " << target;
      return;
    }
    const auto* content = resolve(*documented).as_object().if_contains("content");
    if (content == nullptr) {
      EXPECT_TRUE(r.payload().empty())
          << target << " answers " << r.status << " with a body the document lacks";
      return;
    }
    const std::string media = r.content_type.substr(0, r.content_type.find(';'));
    const auto* described = content->as_object().if_contains(media);
    if (described == nullptr) {
      ADD_FAILURE() << path << " does not document " << media << " for status " << r.status;
      return;
    }
    if (media != "application/json" || !described->as_object().contains("schema")) return;
    std::vector<std::string> problems;
    check(described->at("schema"), json::parse(r.payload()), target, problems);
    for (const auto& p : problems) ADD_FAILURE() << p;
  }
};

/// The names of a documented GET's parameters that are `in` path, query or header.
std::set<std::string> parameters(const Described& d, const std::string& path, const std::string& in) {
  std::set<std::string> out;
  const auto& get = d.get(path);
  for (const auto& p : get.contains("parameters") ? get.at("parameters").as_array() : json::array{}) {
    const auto& param = d.resolve(p);
    if (param.at("in").as_string() != in) continue;
    out.insert(std::string(param.at("name").as_string()));
    if (in == "path") {
      EXPECT_TRUE(param.as_object().contains("required") && param.at("required") == json::value(true))
          << path << ": a path parameter must be required";
    }
  }
  return out;
}

const Route* route_of(const std::string& path) {
  for (const auto& r : routes()) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

TEST(OpenApi, ListsExactlyThePathsTheServerAnswers) {
  Described d;
  EXPECT_EQ(d.doc.at("openapi"), "3.0.3");
  std::set<std::string> served = {"/"};  // index.html's other name
  for (const auto& a : assets()) served.insert(std::string(a.path));
  for (const auto& r : routes()) served.insert(std::string(r.path));
  std::set<std::string> documented;
  for (const auto& [path, item] : d.doc.at("paths").as_object()) {
    documented.insert(std::string(path));
    EXPECT_EQ(item.as_object().size(), 1u) << path << ": the API is read-only, GET alone";
    EXPECT_TRUE(item.as_object().contains("get")) << path;
  }
  EXPECT_EQ(documented, served);
  // Nothing else answers: a path that is neither is 404.
  EXPECT_EQ(d.f.get("/v1/campaigns/memorial/other").status, 404u);
  EXPECT_EQ(d.f.get("/v1").status, 404u);
}

TEST(OpenApi, ParametersAreTheOnesEachRouteReads) {
  Described d;
  for (const auto& [key, item] : d.doc.at("paths").as_object()) {
    const std::string path(key);
    std::set<std::string> braces;
    for (auto at = path.find('{'); at != std::string::npos; at = path.find('{', at + 1)) {
      braces.insert(path.substr(at + 1, path.find('}', at) - at - 1));
    }
    EXPECT_EQ(parameters(d, path, "path"), braces) << path;
    const auto* route = route_of(path);
    const std::set<std::string> query =
        route ? std::set<std::string>(route->query.begin(), route->query.end()) : std::set<std::string>{};
    EXPECT_EQ(parameters(d, path, "query"), query) << path;
  }
  // The handlers read the query parameters of the table, and refuse others by that list.
  const std::string donations = d.example("/v1/campaigns/{id}/donations");
  for (const auto& name : route_of("/v1/campaigns/{id}/donations")->query) {
    const auto r = d.f.get(donations + "?" + std::string(name) + "=nope");
    EXPECT_EQ(std::string(r.payload()).find("unknown parameter"), std::string::npos)
        << name << ": " << r.payload();
  }
  const auto r = d.f.get(donations + "?sort=asc");
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(
      std::string(r.payload()).find("unknown parameter 'sort'; expected status, chain, token, limit, cursor"),
      std::string::npos)
      << r.payload();
}

TEST(OpenApi, EveryAnswerOfEveryPathIsDocumented) {
  Described d;
  for (const auto& [key, item] : d.doc.at("paths").as_object()) {
    const std::string path(key);
    std::vector<std::string> targets = {d.example(path), d.example(path) + "?unknown=1"};
    for (const auto& name : parameters(d, path, "path")) targets.push_back(d.example(path, name));
    for (const auto& name : parameters(d, path, "query"))
      targets.push_back(d.example(path) + "?" + name + "=nope");
    for (const auto& target : targets) {
      const std::string bare = target.substr(0, target.find('?'));
      if (d.f.api->event_stream(bare)) continue;  // served by the socket layer: tests/api/server_test.cpp
      const auto r = d.f.get(target);
      d.expect_documented(path, target, r);
      if (r.status == 200 && !r.etag.empty()) d.expect_documented(path, target, d.f.get(target, "", r.etag));
    }
  }
  // The examples reach the answers worth describing: a campaign with a last donation, a receipt.
  EXPECT_EQ(d.f.get(d.example("/v1/campaigns/{id}")).status, 200u);
  EXPECT_EQ(d.f.get(d.example("/v1/tx/{chain}/{tx_hash}")).status, 200u);
  EXPECT_EQ(d.f.get(d.example("/v1/tx/{chain}/{tx_hash}", "tx_hash")).status, 400u);
  EXPECT_EQ(d.f.get(d.example("/v1/campaigns/{id}/attestation")).status, 200u);
}

TEST(OpenApi, TheSchemaCheckFindsWhatTheDocumentLacks) {
  Described d;
  const json::value schema = {{"$ref", "#/components/schemas/Error"}};
  std::vector<std::string> problems;
  d.check(schema, json::parse(R"({"error":{"code":"x","message":"y"}})"), "ok", problems);
  EXPECT_TRUE(problems.empty());
  d.check(schema, json::parse(R"({"error":{"code":"x","message":"y","hint":"z"}})"), "extra", problems);
  d.check(schema, json::parse(R"({"error":{"code":"x"}})"), "missing", problems);
  d.check(schema, json::parse(R"({"error":{"code":1,"message":"y"}})"), "type", problems);
  d.check(schema, json::parse("null"), "null", problems);
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "extra.error.hint is not in the document", "missing.error has no \"message\"",
                          "type.error.code = 1 is not of type string", "null is null"}));
}

}  // namespace
}  // namespace givewatch::api
