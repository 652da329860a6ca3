#include "segments/saved_view_service.h"

#include <algorithm>
#include <set>

#include "base/strings.h"
#include "query/contact_query.h"
#include "query/filter.h"
#include "segments/saved_view_repository.h"

namespace rally::segments {
namespace {

Status ViewNotFound(Id id) { return NotFound("no view " + IdToString(id)); }

// Columns a view may show besides the filterable fields: what a contact's JSON holds.
const std::set<std::string, std::less<>>& ExtraColumns() {
  static const std::set<std::string, std::less<>> k = {
      "id", "created_at", "updated_at", "last_activity_at", "score_band", "custom"};
  return k;
}

// The canonical text of a stored filter, nullopt when it no longer parses.
std::optional<std::string> CanonicalText(const SavedView& v, const query::FieldCatalog& catalog) {
  auto node = query::ParseJson(v.filter, catalog);
  if (!node.ok()) return std::nullopt;
  return query::ToText(*node);
}

// A stored filter or sort that stopped parsing (a custom field it names was deleted): the view
// itself is fine, running it is not possible until it is edited.
Status NotRunnable(const SavedView& v, std::string_view member, const Status& parse_error) {
  std::string detail = parse_error.details().empty() ? parse_error.message()
                                                     : parse_error.details().front().message;
  std::string code = parse_error.details().empty() ? "invalid" : parse_error.details().front().code;
  return Status(StatusCode::kFailedPrecondition,
                "view \"" + v.name + "\" cannot run: its " + std::string(member) + " " + detail +
                    " (was a custom field deleted?); edit the view's " + std::string(member),
                {FieldError{std::string(member), code, detail, ""}});
}

bool CanChange(const Viewer& viewer, const SavedView& v) {
  return v.owner_id == viewer.user_id || (viewer.admin && v.visibility == Visibility::kShared);
}


}  // namespace

Result<SavedView> SavedViewService::FindVisible(storage::Connection& c, const Viewer& viewer, Id id) {
  RALLY_ASSIGN_OR_RETURN(auto v, SavedViewRepository::FindById(c, viewer.workspace_id, id));
  if (!v || (v->visibility == Visibility::kPrivate && v->owner_id != viewer.user_id)) {
    return ViewNotFound(id);
  }
  return std::move(*v);
}

Result<std::vector<ShownView>> SavedViewService::List(const Viewer& viewer) {
  std::vector<ShownView> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(auto views, SavedViewRepository::ListVisible(c, viewer.workspace_id,
                                                                        viewer.user_id));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(c, viewer.workspace_id));
    for (SavedView& v : views) {
      std::optional<std::string> q = CanonicalText(v, catalog);
      out.push_back(ShownView{std::move(v), std::move(q)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<ShownView> SavedViewService::Get(const Viewer& viewer, Id id) {
  std::optional<ShownView> out;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(SavedView v, FindVisible(c, viewer, id));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(c, viewer.workspace_id));
    std::optional<std::string> q = CanonicalText(v, catalog);
    out = ShownView{std::move(v), std::move(q)};
    return Status::Ok();
  }));
  return std::move(*out);
}

Status SavedViewService::Apply(storage::Connection& c, const Viewer& viewer,
                               const SavedViewInput& input, SavedView& view,
                               std::string& name_norm) {
  std::vector<FieldError> errors;
  if (input.name) {
    std::string name = CollapseSpaces(Trim(*input.name));
    if (name.empty()) {
      errors.push_back(FieldError{"name", "required", "a view needs a name", ""});
    } else if (name.size() > kMaxViewNameBytes) {
      errors.push_back(FieldError{"name", "too_long", "a view name has at most 100 bytes", ""});
    } else if (!IsValidUtf8(name) ||
               std::any_of(name.begin(), name.end(), [](unsigned char ch) { return ch < 0x20 || ch == 0x7f; })) {
      errors.push_back(FieldError{"name", "invalid", "a view name is UTF-8 text without control characters", ""});
    } else {
      view.name = std::move(name);
    }
  }
  RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(c, viewer.workspace_id));
  // Filter errors are request-level (400) and name the term: return them on their own.
  if (input.filter) {
    RALLY_ASSIGN_OR_RETURN(query::Node node, query::ParseJson(*input.filter, catalog, "filter"));
    view.filter = query::ToJson(node);
  } else if (input.q) {
    RALLY_ASSIGN_OR_RETURN(query::Node node, query::ParseText(*input.q, catalog, "q"));
    view.filter = query::ToJson(node);
  }
  if (input.sort) {
    std::string sort(Trim(*input.sort));
    auto parsed = query::ParseSort(sort, catalog);
    if (!parsed.ok()) {
      for (const FieldError& e : parsed.status().details()) errors.push_back(e);
      if (parsed.status().details().empty()) errors.push_back(FieldError{"sort", "invalid", parsed.status().message(), ""});
    } else {
      view.sort = std::move(sort);
    }
  }
  if (input.columns) {
    if (input.columns->size() > kMaxViewColumns) {
      errors.push_back(FieldError{"columns", "too_many", "a view shows at most 100 columns", ""});
    } else {
      std::vector<std::string> columns;
      std::set<std::string> seen;
      for (size_t i = 0; i < input.columns->size(); ++i) {
        const std::string& col = (*input.columns)[i];
        std::string field = "columns[" + std::to_string(i) + "]";
        std::string name;
        if (ExtraColumns().contains(col)) name = col;
        else if (const query::FilterField* f = catalog.Find(col)) name = f->name;
        if (name.empty()) {
          errors.push_back(FieldError{field, "unknown_field", "no field \"" + col + "\" to show", ""});
        } else if (!seen.insert(name).second) {
          errors.push_back(FieldError{field, "duplicate", "column \"" + name + "\" is listed twice", ""});
        } else {
          columns.push_back(std::move(name));
        }
      }
      view.columns = std::move(columns);
    }
  }
  if (input.visibility) view.visibility = *input.visibility;
  if (!errors.empty()) {
    std::string message = errors.front().message;
    return InvalidArgument(std::move(message), std::move(errors));
  }
  name_norm = CaseFold(view.name);
  RALLY_ASSIGN_OR_RETURN(auto holder,
                         SavedViewRepository::FindNameHolder(c, viewer.workspace_id, view.owner_id, name_norm,
                                                             view.visibility == Visibility::kShared, view.id));
  if (holder) {
    return AlreadyExists("a view named \"" + view.name + "\" already exists (id " + IdToString(*holder) + ")",
                         {FieldError{"name", "duplicate", "view name taken", IdToString(*holder)}});
  }
  return Status::Ok();
}

Result<ShownView> SavedViewService::Create(const Viewer& viewer, const SavedViewInput& input) {
  if (!input.name) return FieldInvalid("name", "required", "a view needs a name");
  SavedView view;
  view.workspace_id = viewer.workspace_id;
  view.id = NewId();
  view.owner_id = viewer.user_id;
  view.filter = json::object{{"and", json::array{}}};
  std::optional<ShownView> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    std::string norm;
    RALLY_RETURN_IF_ERROR(Apply(tx, viewer, input, view, norm));
    view.created_at = view.updated_at = Now();
    RALLY_RETURN_IF_ERROR(SavedViewRepository::Insert(tx, view, norm));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(tx, viewer.workspace_id));
    out = ShownView{view, CanonicalText(view, catalog)};
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<ShownView> SavedViewService::Update(const Viewer& viewer, Id id, const SavedViewInput& input) {
  std::optional<ShownView> out;
  RALLY_RETURN_IF_ERROR(db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(SavedView view, FindVisible(tx, viewer, id));
    if (!CanChange(viewer, view)) {
      return PermissionDenied("only the owner of view \"" + view.name + "\" or an admin may change it");
    }
    std::string norm;
    RALLY_RETURN_IF_ERROR(Apply(tx, viewer, input, view, norm));
    view.updated_at = Now();
    RALLY_RETURN_IF_ERROR(SavedViewRepository::Update(tx, view, norm));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(tx, viewer.workspace_id));
    out = ShownView{view, CanonicalText(view, catalog)};
    return Status::Ok();
  }));
  return std::move(*out);
}

Status SavedViewService::Delete(const Viewer& viewer, Id id) {
  return db_.Write([&](storage::Transaction& tx) -> Status {
    RALLY_ASSIGN_OR_RETURN(SavedView view, FindVisible(tx, viewer, id));
    if (!CanChange(viewer, view)) {
      return PermissionDenied("only the owner of view \"" + view.name + "\" or an admin may delete it");
    }
    return SavedViewRepository::Delete(tx, viewer.workspace_id, id);
  });
}

Result<json::value> SavedViewService::RunnableFilter(const Viewer& viewer, Id id) {
  json::value filter;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(SavedView v, FindVisible(c, viewer, id));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(c, viewer.workspace_id));
    auto node = query::ParseJson(v.filter, catalog);
    if (!node.ok()) return NotRunnable(v, "filter", node.status());
    filter = v.filter;
    return Status::Ok();
  }));
  return filter;
}

Result<contacts::ContactPage> SavedViewService::Run(const Viewer& viewer, Id id,
                                                    const RunViewOptions& options) {
  contacts::ContactSearchRequest request;
  RALLY_RETURN_IF_ERROR(db_.Read([&](storage::Connection& c) -> Status {
    RALLY_ASSIGN_OR_RETURN(SavedView v, FindVisible(c, viewer, id));
    RALLY_ASSIGN_OR_RETURN(query::FieldCatalog catalog, query::LoadFieldCatalog(c, viewer.workspace_id));
    auto node = query::ParseJson(v.filter, catalog);
    if (!node.ok()) return NotRunnable(v, "filter", node.status());
    if (options.sort.empty()) {
      auto sort = query::ParseSort(v.sort, catalog);
      if (!sort.ok()) return NotRunnable(v, "sort", sort.status());
    }
    request.filter = std::move(v.filter);
    request.sort = options.sort.empty() ? v.sort : options.sort;
    return Status::Ok();
  }));
  request.limit = options.limit;
  request.cursor = options.cursor;
  return search_.List(query::QueryContext{viewer.workspace_id, viewer.user_id}, request);
}

}  // namespace rally::segments
