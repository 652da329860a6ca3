#include "contacts/contact_repository.h"

#include <array>

#include "storage/dialect.h"

namespace rally::contacts {
namespace {

// --- Reading rows ---

#define RALLY_CONTACT_COLUMNS_HEAD                                                             \
  "c.id, c.email, c.additional_emails, c.first_name, c.last_name, c.phone, c.phone_e164, "     \
  "c.mobile, c.mobile_e164, c.title, c.department, c.linkedin, c.twitter, c.street, c.city, "  \
  "c.state, c.postal_code, c.country, c.lead_source, c.company_id, "
#define RALLY_CONTACT_COLUMNS_TAIL                                                             \
  "c.lifecycle_stage, c.lead_score, c.custom, c.created_at, c.updated_at, "                    \
  "c.last_activity_at, c.deleted_at, t.id, t.name, t.name_norm"

// A contact's columns with its company name, owner and one row per tag (t), or one without.
//
// On PostgreSQL the company and owner are correlated lookups and the tags a LATERAL subquery
// (OFFSET 0 keeps the planner from flattening it back into a join), not joins: with statistics
// from before a bulk load (or for a new workspace) it took the workspace's contact_tags and
// companies for a few rows and hashed all of them for every batch (FindByIds at 100,000
// contacts: 12 ms a call, ~3,500 blocks read for 80 contacts). These leave it index lookups per
// contact whatever the statistics say. (LATERAL for company and owner as well was no faster in
// a noisy A/B.) SQLite's planner has no such choice to make, and its plain joins look each
// relation up once per contact (correlated lookups in the select list ran once per tag row:
// GET by id 3% slower in three alternating pairs).
constexpr std::string_view kPostgresContactColumns =
    RALLY_CONTACT_COLUMNS_HEAD
    "(SELECT co.name FROM companies co WHERE co.workspace_id = c.workspace_id AND "
    "co.id = c.company_id), c.owner_id, "
    "(SELECT u.email FROM users u WHERE u.workspace_id = c.workspace_id AND u.id = c.owner_id), "
    "(SELECT u.name FROM users u WHERE u.workspace_id = c.workspace_id AND u.id = c.owner_id), "
    RALLY_CONTACT_COLUMNS_TAIL;
constexpr std::string_view kPostgresTags =
    " LEFT JOIN LATERAL (SELECT t.id, t.name, t.name_norm FROM contact_tags ct JOIN tags t"
    " ON t.workspace_id = ct.workspace_id AND t.id = ct.tag_id"
    " WHERE ct.workspace_id = c.workspace_id AND ct.contact_id = c.id OFFSET 0) t ON true";
constexpr std::string_view kSqliteContacts =
    "SELECT " RALLY_CONTACT_COLUMNS_HEAD "co.name, c.owner_id, u.email, u.name, "
    RALLY_CONTACT_COLUMNS_TAIL " FROM contacts c"
    " LEFT JOIN companies co ON co.workspace_id = c.workspace_id AND co.id = c.company_id"
    " LEFT JOIN users u ON u.workspace_id = c.workspace_id AND u.id = c.owner_id"
    " LEFT JOIN contact_tags ct ON ct.workspace_id = c.workspace_id AND ct.contact_id = c.id"
    " LEFT JOIN tags t ON t.workspace_id = ct.workspace_id AND t.id = ct.tag_id";

constexpr std::string_view kFindByIdWhere =
    " WHERE c.workspace_id = ? AND c.id = ? ORDER BY t.name_norm";

// SELECT of whole contacts with their tags, then `rest` (WHERE and ORDER BY).
std::string SelectContacts(storage::Dialect d, std::string_view rest) {
  if (d == storage::Dialect::kPostgres) {
    return "SELECT " + std::string(kPostgresContactColumns) + " FROM contacts c" +
           std::string(kPostgresTags) + std::string(rest);
  }
  return std::string(kSqliteContacts) + std::string(rest);
}

Contact ReadContact(const storage::Row& r, Id ws) {
  Contact c;
  c.workspace_id = ws;
  c.id = r.Int(0);
  c.email = std::string(r.Text(1));
  if (auto a = ParseJson(r.Text(2)); a.ok() && a->is_array()) {
    for (const json::value& e : a->get_array())
      if (e.is_string()) c.additional_emails.emplace_back(e.get_string());
  }
  c.first_name = r.OptText(3);
  c.last_name = r.OptText(4);
  c.phone = r.OptText(5);
  c.phone_e164 = r.OptText(6);
  c.mobile = r.OptText(7);
  c.mobile_e164 = r.OptText(8);
  c.title = r.OptText(9);
  c.department = r.OptText(10);
  c.linkedin = r.OptText(11);
  c.twitter = r.OptText(12);
  c.street = r.OptText(13);
  c.city = r.OptText(14);
  c.state = r.OptText(15);
  c.postal_code = r.OptText(16);
  c.country = r.OptText(17);
  c.lead_source = r.OptText(18);
  if (!r.IsNull(19)) c.company = CompanyRef{r.Int(19), std::string(r.Text(20))};
  if (!r.IsNull(21)) c.owner = OwnerRef{r.Int(21), std::string(r.Text(22)), std::string(r.Text(23))};
  c.lifecycle_stage = static_cast<int>(r.Int(24));
  c.lead_score = static_cast<int>(r.Int(25));
  if (auto custom = ParseJson(r.Text(26)); custom.ok() && custom->is_object()) {
    c.custom = std::move(custom->get_object());
  }
  c.created_at = r.Int(27);
  c.updated_at = r.Int(28);
  c.last_activity_at = r.OptInt(29);
  c.deleted_at = r.OptInt(30);
  return c;
}

// Rows come one per (contact, tag), those of one contact adjacent: the first builds the
// contact, every row may add a tag.
class ContactCollector {
 public:
  explicit ContactCollector(Id ws) : ws_(ws) {}
  bool operator()(const storage::Row& r) {
    if (out_.empty() || out_.back().id != r.Int(0)) out_.push_back(ReadContact(r, ws_));
    if (!r.IsNull(31)) {
      out_.back().tags.push_back(TagRef{r.Int(31), std::string(r.Text(32)), std::string(r.Text(33))});
    }
    return true;
  }
  std::vector<Contact>& result() { return out_; }

 private:
  Id ws_;
  std::vector<Contact> out_;
};

// Lists of ids and keys for IN (SELECT v.id FROM {rows}): one statement for the whole list
// (storage::ExecuteRows).
constexpr storage::RowColumn kIdColumn[] = {{"id", storage::ColumnType::kInt}};
constexpr storage::RowColumn kKeyColumn[] = {{"key", storage::ColumnType::kText}};

// --- Writing rows ---

constexpr std::string_view kInsert =
    "INSERT INTO contacts (workspace_id, id, email, email_norm, first_name, last_name, phone, "
    "phone_e164, mobile, mobile_e164, title, department, linkedin, twitter, street, city, state, "
    "postal_code, country, lead_source, company_id, owner_id, lifecycle_stage, lead_score, "
    "custom, additional_emails, created_at, updated_at, last_activity_at, deleted_at) VALUES "
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kUpdate =
    "UPDATE contacts SET email = ?, email_norm = ?, first_name = ?, last_name = ?, phone = ?, "
    "phone_e164 = ?, mobile = ?, mobile_e164 = ?, title = ?, department = ?, linkedin = ?, "
    "twitter = ?, street = ?, city = ?, state = ?, postal_code = ?, country = ?, lead_source = ?, "
    "company_id = ?, owner_id = ?, lifecycle_stage = ?, lead_score = ?, custom = ?, "
    "additional_emails = ?, created_at = ?, updated_at = ?, last_activity_at = ?, deleted_at = ? "
    "WHERE workspace_id = ? AND id = ?";

// The columns of kInsert / kUpdate after workspace_id, as a storage::Rows relation.
constexpr storage::RowColumn kContactColumns[] = {
    {"id", storage::ColumnType::kInt},
    {"email", storage::ColumnType::kText},
    {"email_norm", storage::ColumnType::kText},
    {"first_name", storage::ColumnType::kText},
    {"last_name", storage::ColumnType::kText},
    {"phone", storage::ColumnType::kText},
    {"phone_e164", storage::ColumnType::kText},
    {"mobile", storage::ColumnType::kText},
    {"mobile_e164", storage::ColumnType::kText},
    {"title", storage::ColumnType::kText},
    {"department", storage::ColumnType::kText},
    {"linkedin", storage::ColumnType::kText},
    {"twitter", storage::ColumnType::kText},
    {"street", storage::ColumnType::kText},
    {"city", storage::ColumnType::kText},
    {"state", storage::ColumnType::kText},
    {"postal_code", storage::ColumnType::kText},
    {"country", storage::ColumnType::kText},
    {"lead_source", storage::ColumnType::kText},
    {"company_id", storage::ColumnType::kInt},
    {"owner_id", storage::ColumnType::kInt},
    {"lifecycle_stage", storage::ColumnType::kInt},
    {"lead_score", storage::ColumnType::kInt},
    {"custom", storage::ColumnType::kJson},
    {"additional_emails", storage::ColumnType::kJson},
    {"created_at", storage::ColumnType::kInt},
    {"updated_at", storage::ColumnType::kInt},
    {"last_activity_at", storage::ColumnType::kInt},
    {"deleted_at", storage::ColumnType::kInt},
};
// "v.id, v.email, ..." and "email = v.email, ..." over kContactColumns.
const std::string& ContactColumnList(bool assignments) {
  static const std::array<std::string, 2> kLists = [] {
    std::string values, sets;
    for (const storage::RowColumn& col : kContactColumns) {
      std::string name(col.name);
      values += (values.empty() ? "v." : ", v.") + name;
      if (name != "id") sets += (sets.empty() ? "" : ", ") + name + " = v." + name;
    }
    return std::array<std::string, 2>{values, sets};
  }();
  return kLists[assignments ? 1 : 0];
}

// The values of every column after (workspace_id, id), in kInsert / kUpdate order.
std::vector<storage::Value> RowValues(const Contact& c, std::string_view email_key) {
  json::array additional;
  for (const std::string& e : c.additional_emails) additional.emplace_back(e);
  return {
      c.email,
      std::string(email_key),
      storage::Opt(c.first_name),
      storage::Opt(c.last_name),
      storage::Opt(c.phone),
      storage::Opt(c.phone_e164),
      storage::Opt(c.mobile),
      storage::Opt(c.mobile_e164),
      storage::Opt(c.title),
      storage::Opt(c.department),
      storage::Opt(c.linkedin),
      storage::Opt(c.twitter),
      storage::Opt(c.street),
      storage::Opt(c.city),
      storage::Opt(c.state),
      storage::Opt(c.postal_code),
      storage::Opt(c.country),
      storage::Opt(c.lead_source),
      c.company ? storage::Value(c.company->id) : storage::Null(),
      c.owner ? storage::Value(c.owner->id) : storage::Null(),
      int64_t{c.lifecycle_stage},
      int64_t{c.lead_score},
      json::serialize(c.custom),
      json::serialize(additional),
      c.created_at,
      c.updated_at,
      storage::Opt(c.last_activity_at),
      storage::Opt(c.deleted_at),
  };
}

}  // namespace

// --- Reads ---

Result<std::optional<Contact>> ContactRepository::FindById(storage::Connection& c, Id ws, Id id) {
  static const std::string kSqlite =
      SelectContacts(storage::Dialect::kSqlite, kFindByIdWhere);
  static const std::string kPostgres =
      SelectContacts(storage::Dialect::kPostgres, kFindByIdWhere);
  ContactCollector collect(ws);
  RALLY_RETURN_IF_ERROR(c.Query(c.dialect() == storage::Dialect::kPostgres ? kPostgres : kSqlite,
                                {ws, id}, std::ref(collect)));
  if (collect.result().empty()) return std::optional<Contact>();
  return std::optional<Contact>(std::move(collect.result().front()));
}

Result<std::vector<Contact>> ContactRepository::FindByIds(storage::Connection& c, Id ws,
                                                          std::span<const Id> ids) {
  ContactCollector collect(ws);
  if (c.dialect() == storage::Dialect::kPostgres) {
    // Each id looked up through LATERAL, which leaves PostgreSQL no plan but the primary key's
    // index per id: as a set to join (or `= ANY(array)`), statistics from before a bulk load had
    // it scan the workspace's contacts for every batch (kPostgresContactColumns).
    static const std::string kSql =
        "SELECT " + std::string(kPostgresContactColumns) +
        " FROM unnest(?::bigint[]) AS ids(id) CROSS JOIN LATERAL (SELECT * FROM contacts WHERE "
        "workspace_id = ? AND id = ids.id OFFSET 0) c" +
        std::string(kPostgresTags) + " ORDER BY c.id, t.name_norm";
    std::vector<storage::Value> values(ids.begin(), ids.end());
    RALLY_RETURN_IF_ERROR(
        c.Query(kSql, {storage::PostgresArrayLiteral(values), ws}, std::ref(collect)));
    return std::move(collect.result());
  }
  static const std::string kSql = SelectContacts(
      storage::Dialect::kSqlite,
      " WHERE c.workspace_id = ? AND c.id IN (SELECT v.id FROM {rows}) ORDER BY c.id, t.name_norm");
  storage::Rows rows(kIdColumn);
  rows.Reserve(ids.size());
  for (Id id : ids) rows.Push(id);
  storage::Value params[] = {ws};
  RALLY_RETURN_IF_ERROR(storage::QueryRows(c, kSql, params, rows, std::ref(collect)));
  return std::move(collect.result());
}

Result<std::optional<std::optional<Micros>>> ContactRepository::FindDeletedAt(
    storage::Connection& c, Id ws, Id id) {
  std::optional<std::optional<Micros>> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT deleted_at FROM contacts WHERE workspace_id = ? AND id = ?",
                                {ws, id}, [&](const storage::Row& r) {
                                  out.emplace(r.OptInt(0));
                                  return false;
                                }));
  return out;
}

Result<std::unordered_map<std::string, EmailHolder>> ContactRepository::FindEmailHolders(
    storage::Connection& c, Id ws, std::span<const std::string> keys) {
  std::unordered_map<std::string, EmailHolder> out;
  auto collect = [&](const storage::Row& r) {
    out[std::string(r.Text(0))] = EmailHolder{r.Int(1), !r.IsNull(2)};
    return true;
  };
  // The holder's deleted_at by a correlated lookup, and on PostgreSQL each key through LATERAL,
  // not joins: statistics from before a bulk load had PostgreSQL hash every contact of the
  // workspace once per batch (and as `= ANY(array)`, filter its whole email index: 52 ms a
  // batch). See kPostgresContactColumns.
  static constexpr std::string_view kHolder =
      "SELECT e.email_norm, e.contact_id, (SELECT c.deleted_at FROM contacts c WHERE "
      "c.workspace_id = e.workspace_id AND c.id = e.contact_id) FROM ";
  if (c.dialect() == storage::Dialect::kPostgres) {
    static const std::string kSql =
        std::string(kHolder) +
        "unnest(?::text[]) AS keys(key) CROSS JOIN LATERAL (SELECT * FROM contact_emails WHERE "
        "workspace_id = ? AND email_norm = keys.key OFFSET 0) e";
    std::vector<storage::Value> values(keys.begin(), keys.end());
    RALLY_RETURN_IF_ERROR(c.Query(kSql, {storage::PostgresArrayLiteral(values), ws}, collect));
    return out;
  }
  static const std::string kSql =
      std::string(kHolder) +
      "contact_emails e WHERE e.workspace_id = ? AND e.email_norm IN (SELECT v.key FROM {rows})";
  storage::Rows rows(kKeyColumn);
  rows.Reserve(keys.size());
  for (const std::string& k : keys) rows.Push(k);
  storage::Value params[] = {ws};
  RALLY_RETURN_IF_ERROR(storage::QueryRows(c, kSql, params, rows, collect));
  return out;
}

// --- Writes ---

Status ContactRepository::Insert(storage::Transaction& tx, const Contact& c,
                                 std::string_view email_key) {
  std::vector<storage::Value> params = {c.workspace_id, c.id};
  for (auto& v : RowValues(c, email_key)) params.push_back(std::move(v));
  return tx.Execute(kInsert, params).status();
}

Status ContactRepository::Update(storage::Transaction& tx, const Contact& c,
                                 std::string_view email_key) {
  std::vector<storage::Value> params = RowValues(c, email_key);
  params.emplace_back(c.workspace_id);
  params.emplace_back(c.id);
  RALLY_ASSIGN_OR_RETURN(int64_t n, tx.Execute(kUpdate, params));
  if (n != 1) return NotFound("no contact " + IdToString(c.id));
  return Status::Ok();
}

namespace {

storage::Rows ContactRows(std::span<const ContactRepository::ContactRow> rows) {
  storage::Rows out(kContactColumns);
  out.Reserve(rows.size());
  for (const ContactRepository::ContactRow& r : rows) {
    out.Push(r.contact->id);
    for (storage::Value& v : RowValues(*r.contact, r.email_key)) out.Push(std::move(v));
  }
  return out;
}

constexpr storage::RowColumn kTagAssignmentColumns[] = {{"contact_id", storage::ColumnType::kInt},
                                                        {"tag_id", storage::ColumnType::kInt}};

storage::Rows TagAssignmentRows(std::span<const ContactRepository::TagAssignment> tags) {
  storage::Rows out(kTagAssignmentColumns);
  out.Reserve(tags.size());
  for (const auto& t : tags) {
    out.Push(t.contact_id);
    out.Push(t.tag_id);
  }
  return out;
}

}  // namespace

Status ContactRepository::InsertMany(storage::Transaction& tx, Id ws,
                                     std::span<const ContactRow> rows) {
  static const std::string kNames = [] {
    std::string names;
    for (const storage::RowColumn& col : kContactColumns)
      names += (names.empty() ? "" : ", ") + std::string(col.name);
    return names;
  }();
  static const std::string kSql = "INSERT INTO contacts (workspace_id, " + kNames +
                                  ") SELECT ?, " + ContactColumnList(false) +
                                  " FROM {rows} WHERE true";
  // PostgreSQL: the search document (migrations 0003, 0010) computed here for all rows at once,
  // which spares each row the insert trigger's PL/pgSQL call and company sub-select. The
  // companies are in place: Flush and CreateRelations write new ones before the contacts.
  static const std::string kPostgresSql =
      "INSERT INTO contacts (workspace_id, " + kNames + ", search_doc) SELECT ?, " +
      ContactColumnList(false) +
      ", rally_contact_search_doc(v.first_name, v.last_name, v.email, (SELECT co.name FROM "
      "companies co WHERE co.workspace_id = ? AND co.id = v.company_id)) FROM {rows} WHERE true";
  if (tx.dialect() == storage::Dialect::kPostgres) {
    storage::Value params[] = {ws, ws};
    return storage::ExecuteRows(tx, kPostgresSql, params, ContactRows(rows)).status();
  }
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx, kSql, params, ContactRows(rows)).status();
}

namespace {

// UPDATE contacts ... FROM {rows} WHERE <this>, with its parameters: on PostgreSQL the ids also as
// an array the index condition can use, as with statistics from before a bulk load the planner
// otherwise hashed every contact of the workspace to join {rows} (see kPostgresContactColumns).
struct ContactsToUpdate {
  std::string where;
  std::vector<storage::Value> params;
};
ContactsToUpdate UpdatedContacts(storage::Dialect d, Id ws,
                                 std::span<const ContactRepository::ContactRow> rows) {
  if (d != storage::Dialect::kPostgres) return {"contacts.workspace_id = ? AND contacts.id = v.id", {ws}};
  std::vector<storage::Value> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.emplace_back(r.contact->id);
  return {"contacts.workspace_id = ? AND contacts.id = v.id AND contacts.id = ANY(?::bigint[])",
          {ws, storage::PostgresArrayLiteral(ids)}};
}

}  // namespace

Status ContactRepository::UpdateMany(storage::Transaction& tx, Id ws,
                                     std::span<const ContactRow> rows) {
  static const std::string kUpdate = "UPDATE contacts SET " + ContactColumnList(true) +
                                     " FROM {rows} WHERE ";
  ContactsToUpdate target = UpdatedContacts(tx.dialect(), ws, rows);
  std::string sql = kUpdate + target.where;
  RALLY_ASSIGN_OR_RETURN(int64_t n,
                         storage::ExecuteRows(tx, sql, target.params, ContactRows(rows)));
  if (n != static_cast<int64_t>(rows.size())) {
    return NotFound("updated " + std::to_string(n) + " of " + std::to_string(rows.size()) +
                    " contacts");
  }
  return Status::Ok();
}

Status ContactRepository::TouchMany(storage::Transaction& tx, Id ws,
                                    std::span<const ContactRow> rows) {
  if (rows.empty()) return Status::Ok();
  static constexpr storage::RowColumn kColumns[] = {{"id", storage::ColumnType::kInt},
                                                    {"updated_at", storage::ColumnType::kInt}};
  storage::Rows values(kColumns);
  values.Reserve(rows.size());
  for (const ContactRow& r : rows) {
    values.Push(r.contact->id);
    values.Push(r.contact->updated_at);
  }
  ContactsToUpdate target = UpdatedContacts(tx.dialect(), ws, rows);
  RALLY_ASSIGN_OR_RETURN(
      int64_t n, storage::ExecuteRows(tx, "UPDATE contacts SET updated_at = v.updated_at FROM {rows} WHERE " +
                                              target.where,
                                      target.params, values));
  if (n != static_cast<int64_t>(rows.size())) {
    return NotFound("updated " + std::to_string(n) + " of " + std::to_string(rows.size()) + " contacts");
  }
  return Status::Ok();
}

Status ContactRepository::DeleteEmails(storage::Transaction& tx, Id ws,
                                       std::span<const Id> contact_ids) {
  static constexpr storage::RowColumn kColumns[] = {{"id", storage::ColumnType::kInt}};
  storage::Rows rows(kColumns);
  for (Id id : contact_ids) rows.Push(id);
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx,
                              "DELETE FROM contact_emails WHERE workspace_id = ? AND contact_id "
                              "IN (SELECT v.id FROM {rows})",
                              params, rows)
      .status();
}

Status ContactRepository::InsertEmails(storage::Transaction& tx, Id ws,
                                       std::span<const EmailAssignment> emails) {
  static constexpr storage::RowColumn kColumns[] = {{"email_norm", storage::ColumnType::kText},
                                                    {"contact_id", storage::ColumnType::kInt},
                                                    {"email", storage::ColumnType::kText},
                                                    {"position", storage::ColumnType::kInt}};
  storage::Rows rows(kColumns);
  rows.Reserve(emails.size());
  for (const EmailAssignment& e : emails) {
    rows.Push(e.email->key);
    rows.Push(e.contact_id);
    rows.Push(e.email->display);
    rows.Push(e.position);
  }
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx,
                              "INSERT INTO contact_emails (workspace_id, email_norm, contact_id, "
                              "email, position) SELECT ?, v.email_norm, v.contact_id, v.email, "
                              "v.position FROM {rows} WHERE true",
                              params, rows)
      .status();
}

Status ContactRepository::AddTags(storage::Transaction& tx, Id ws,
                                  std::span<const TagAssignment> tags) {
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx,
                              "INSERT INTO contact_tags (workspace_id, contact_id, tag_id) SELECT "
                              "?, v.contact_id, v.tag_id FROM {rows} WHERE true ON CONFLICT DO "
                              "NOTHING",
                              params, TagAssignmentRows(tags))
      .status();
}

Status ContactRepository::AddTagsToNew(storage::Transaction& tx, Id ws,
                                       std::span<const TagAssignment> tags) {
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx,
                              "INSERT INTO contact_tags (workspace_id, contact_id, tag_id) SELECT "
                              "?, v.contact_id, v.tag_id FROM {rows} WHERE true",
                              params, TagAssignmentRows(tags))
      .status();
}

Status ContactRepository::RemoveTags(storage::Transaction& tx, Id ws,
                                     std::span<const TagAssignment> tags) {
  storage::Value params[] = {ws};
  return storage::ExecuteRows(tx,
                              "DELETE FROM contact_tags WHERE workspace_id = ? AND (contact_id, "
                              "tag_id) IN (SELECT v.contact_id, v.tag_id FROM {rows})",
                              params, TagAssignmentRows(tags))
      .status();
}

Status ContactRepository::ReplaceEmails(storage::Transaction& tx, Id ws, Id contact_id,
                                        std::span<const EmailRow> emails, bool had_rows) {
  if (had_rows) {
    RALLY_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM contact_emails WHERE workspace_id = ? AND contact_id = ?",
                   {ws, contact_id})
            .status());
  }
  for (size_t i = 0; i < emails.size(); ++i) {
    RALLY_RETURN_IF_ERROR(
        tx.Execute("INSERT INTO contact_emails (workspace_id, email_norm, contact_id, email, "
                   "position) VALUES (?, ?, ?, ?, ?)",
                   {ws, emails[i].key, contact_id, emails[i].display, static_cast<int64_t>(i)})
            .status());
  }
  return Status::Ok();
}

Status ContactRepository::SetDeletedAt(storage::Transaction& tx, Id ws, Id id,
                                       std::optional<Micros> at) {
  return tx.Execute("UPDATE contacts SET deleted_at = ? WHERE workspace_id = ? AND id = ?",
                    {storage::Opt(at), ws, id})
      .status();
}

Status ContactRepository::SetLastActivity(storage::Transaction& tx, Id ws, Id id, Micros at) {
  // Only forwards: back-dated activities do not make a contact look less recent.
  return tx.Execute(
               "UPDATE contacts SET last_activity_at = ? WHERE workspace_id = ? AND id = ? AND "
               "(last_activity_at IS NULL OR last_activity_at < ?)",
               {at, ws, id, at})
      .status();
}

Status ContactRepository::SetCustom(storage::Transaction& tx, Id ws, Id id,
                                    const json::object& custom) {
  return tx.Execute("UPDATE contacts SET custom = ? WHERE workspace_id = ? AND id = ?",
                    {json::serialize(custom), ws, id})
      .status();
}

Result<std::vector<std::pair<Id, json::object>>> ContactRepository::FindWithCustomKey(
    storage::Connection& c, Id ws, std::string_view key) {
  // The stored JSON always quotes its keys, so this LIKE finds a superset of the holders. (The
  // CAST: PostgreSQL keeps `custom` as json, which has no LIKE.)
  std::string pattern = "%\"" + std::string(key) + "\"%";
  std::vector<std::pair<Id, json::object>> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT id, custom FROM contacts WHERE workspace_id = ? AND "
                                "CAST(custom AS TEXT) LIKE ?",
                                {ws, pattern}, [&](const storage::Row& r) {
                                  auto v = ParseJson(r.Text(1));
                                  if (v.ok() && v->is_object()) {
                                    out.emplace_back(r.Int(0), std::move(v->get_object()));
                                  }
                                  return true;
                                }));
  return out;
}

Result<std::vector<std::pair<Id, Id>>> ContactRepository::FindPurgeable(storage::Connection& c,
                                                                        Micros before, int limit) {
  std::vector<std::pair<Id, Id>> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT workspace_id, id FROM contacts WHERE deleted_at IS NOT "
                                "NULL AND deleted_at < ? LIMIT ?",
                                {before, int64_t{limit}}, [&](const storage::Row& r) {
                                  out.emplace_back(r.Int(0), r.Int(1));
                                  return true;
                                }));
  return out;
}

Status ContactRepository::Purge(storage::Transaction& tx, Id ws, Id id) {
  return tx.Execute("DELETE FROM contacts WHERE workspace_id = ? AND id = ?", {ws, id}).status();
}

// --- Tags ---

Result<std::vector<TagRef>> ContactRepository::FindTagsByNorm(storage::Connection& c, Id ws,
                                                              std::span<const std::string> norms) {
  std::vector<TagRef> out;
  auto add = [&](const storage::Row& r) {
    out.push_back(TagRef{r.Int(0), std::string(r.Text(1)), std::string(r.Text(2))});
    return true;
  };
  if (c.dialect() == storage::Dialect::kSqlite) {
    // An embedded database answers a lookup by key in about a microsecond, where the set-based
    // statement below builds a temporary table per call: that cost a single create 8% of the
    // SQLite writer thread's time. Over a network, one statement for all is what counts.
    for (const std::string& n : norms) {
      RALLY_RETURN_IF_ERROR(c.Query(
          "SELECT id, name, name_norm FROM tags WHERE workspace_id = ? AND name_norm = ?",
          {ws, n}, add));
    }
    return out;
  }
  storage::Rows rows(kKeyColumn);
  rows.Reserve(norms.size());
  for (const std::string& n : norms) rows.Push(n);
  storage::Value params[] = {ws};
  RALLY_RETURN_IF_ERROR(storage::QueryRows(
      c,
      "SELECT id, name, name_norm FROM tags WHERE workspace_id = ? AND name_norm IN "
      "(SELECT v.key FROM {rows})",
      params, rows, add));
  return out;
}

Status ContactRepository::InsertTags(storage::Transaction& tx, Id ws, std::span<const TagRef> tags,
                                     Micros now, bool if_absent) {
  static constexpr storage::RowColumn kColumns[] = {{"id", storage::ColumnType::kInt},
                                                    {"name", storage::ColumnType::kText},
                                                    {"name_norm", storage::ColumnType::kText}};
  storage::Rows rows(kColumns);
  rows.Reserve(tags.size());
  for (const TagRef& t : tags) {
    rows.Push(t.id);
    rows.Push(t.name);
    rows.Push(t.norm);
  }
  storage::Value params[] = {ws, now};
  return storage::ExecuteRows(
             tx,
             if_absent ? "INSERT INTO tags (workspace_id, created_at, id, name, name_norm) SELECT "
                         "?, ?, v.id, v.name, v.name_norm FROM {rows} WHERE true ON CONFLICT "
                         "(workspace_id, name_norm) DO NOTHING"
                       : "INSERT INTO tags (workspace_id, created_at, id, name, name_norm) SELECT "
                         "?, ?, v.id, v.name, v.name_norm FROM {rows} WHERE true",
             params, rows)
      .status();
}

Result<bool> ContactRepository::InsertTagIfAbsent(storage::Transaction& tx, Id ws,
                                                  const TagRef& tag, Micros now) {
  RALLY_ASSIGN_OR_RETURN(
      int64_t n, tx.Execute("INSERT INTO tags (workspace_id, id, name, name_norm, created_at) "
                            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, name_norm) DO NOTHING",
                            {ws, tag.id, tag.name, tag.norm, now}));
  return n > 0;
}

Result<std::vector<Id>> ContactRepository::ContactsWithTag(storage::Connection& c, Id ws,
                                                           Id tag_id) {
  std::vector<Id> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT contact_id FROM contact_tags WHERE workspace_id = ? AND "
                                "tag_id = ? ORDER BY contact_id",
                                {ws, tag_id}, [&](const storage::Row& r) {
                                  out.push_back(r.Int(0));
                                  return true;
                                }));
  return out;
}

// --- Other modules' tables ---

Result<std::string> ContactRepository::DefaultRegion(storage::Connection& c, Id ws) {
  storage::Value params[] = {ws};
  RALLY_ASSIGN_OR_RETURN(auto region,
                         c.QueryText("SELECT default_region FROM workspaces WHERE id = ?", params));
  return region.value_or("US");
}

Result<std::optional<OwnerRef>> ContactRepository::FindUserById(storage::Connection& c, Id ws,
                                                                Id id) {
  std::optional<OwnerRef> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT id, email, name FROM users WHERE workspace_id = ? AND "
                                "id = ? AND disabled_at IS NULL",
                                {ws, id}, [&](const storage::Row& r) {
                                  out = OwnerRef{r.Int(0), std::string(r.Text(1)),
                                                 std::string(r.Text(2))};
                                  return false;
                                }));
  return out;
}

Result<std::optional<OwnerRef>> ContactRepository::FindUserByEmailNorm(storage::Connection& c,
                                                                       Id ws,
                                                                       std::string_view email_norm) {
  std::optional<OwnerRef> out;
  RALLY_RETURN_IF_ERROR(c.Query("SELECT id, email, name FROM users WHERE workspace_id = ? AND "
                                "email_norm = ? AND disabled_at IS NULL",
                                {ws, std::string(email_norm)}, [&](const storage::Row& r) {
                                  out = OwnerRef{r.Int(0), std::string(r.Text(1)),
                                                 std::string(r.Text(2))};
                                  return false;
                                }));
  return out;
}

}  // namespace rally::contacts
