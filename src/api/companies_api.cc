// Routes: GET /api/v1/companies, GET /api/v1/companies/{id} (see companies_api.h).
#include "api/companies_api.h"

#include "api/api.h"
#include "companies/company_service.h"

namespace rally::api {

using http::Method;
using http::Request;

void AddCompaniesRoutes(http::Router& router, const Authenticator& auth,
                        companies::CompanyService& companies) {
  router.Add(Method::kGet, "/api/v1/companies", auth.Require([&](Request& req, const auth::Principal& p) {
    auto limit = ParseLimit(req, 50, 1000);
    if (!limit.ok()) return ErrorResponse(limit.status());
    companies::CompanyListOptions opts;
    opts.limit = *limit;
    if (auto s = req.QueryParam("sort")) opts.sort = std::string(*s);
    if (auto c = req.QueryParam("cursor")) opts.cursor = std::string(*c);
    auto page = companies.List(p.workspace_id, opts);
    if (!page.ok()) return ErrorResponse(page.status());
    return JsonResponse(200, page->ToJson());
  }));

  router.Add(Method::kGet, "/api/v1/companies/{id}", auth.Require([&](Request& req, const auth::Principal& p) {
    auto id = PathId(req);
    if (!id.ok()) return ErrorResponse(id.status());
    auto got = companies.GetWithContactCount(p.workspace_id, *id);
    if (!got.ok()) return ErrorResponse(got.status());
    return JsonResponse(200, companies::CompanyToJson(got->first, got->second));
  }));
}

}  // namespace rally::api
