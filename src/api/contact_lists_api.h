// REST routes for contact lists, segments and the filter language (DESIGN.md §4, issue 4):
//   GET  /api/v1/contacts?q=&sort=&limit=&cursor=  filtered list, keyset-paged       200
//   POST /api/v1/contacts/search {"filter":{...}|"q":"...","sort","limit","cursor"} 200 GET
//   /api/v1/contacts/count?q=                 {"count":N}                       200 POST
//   /api/v1/filters/parse                     {"q":"..."} -> {"filter":{...},"q":canonical}
//                                                  {"filter":{...}} -> the same      200
// A filter that does not parse answers 400 with one detail naming "q" (or the JSON path under
// "filter"), a filter_* code, and a message quoting the term and its position.
#pragma once

#include "api/authenticator.h"
#include "http/router.h"

namespace rally::contacts {
class ContactSearch;
}

namespace rally::api {

void AddContactListsRoutes(http::Router& router, const Authenticator& auth,
                           contacts::ContactSearch& search);

}  // namespace rally::api
