// REST routes for companies (created from the contact write path, so read-only here):
//   GET /api/v1/companies?sort=name|-name|id|-id&limit=&cursor=   with contact counts  200
//   GET /api/v1/companies/{id}                                     with its contact count 200
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::companies { class CompanyService; }

namespace rally::api {

void AddCompaniesRoutes(http::Router& router, const Authenticator& auth,
                        companies::CompanyService& companies);

}  // namespace rally::api
