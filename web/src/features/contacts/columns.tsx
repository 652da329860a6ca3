// The columns the contacts table can show: every built-in field and each custom field. `sort` is
// the API's sort key where the list endpoint can sort by that field (src/api/openapi/contacts.json).
import type { ReactNode } from 'react';
import type { Contact, CustomField } from '../../api/generated/schema';
import { ScoreBadge, StagePill, TagChips } from '../../ui/components';
import { formatDate, fullName, relativeTime } from '../../ui/format';

export type Column = {
  key: string;
  label: string;
  width: number;
  sort?: string;
  cellClass?: string; // added to the cell's class: a style for the whole cell without a wrapper
  render: (c: Contact) => ReactNode;
};

const text = (v: string | null | undefined): ReactNode => (v ? v : <span className="subtle">—</span>);

const BUILT_IN: Column[] = [
  { key: 'name', label: 'Name', width: 200, sort: 'last_name', cellClass: 'name-cell', render: (c) => fullName(c) },
  { key: 'email', label: 'Email', width: 230, sort: 'email', render: (c) => text(c.email) },
  { key: 'company', label: 'Company', width: 170, render: (c) => text(c.company?.name) },
  { key: 'title', label: 'Title', width: 160, sort: 'title', render: (c) => text(c.title) },
  { key: 'department', label: 'Department', width: 140, sort: 'department', render: (c) => text(c.department) },
  { key: 'lifecycle_stage', label: 'Stage', width: 132, sort: 'lifecycle_stage', render: (c) => <StagePill stage={c.lifecycle_stage} /> },
  { key: 'lead_score', label: 'Lead score', width: 170, sort: 'lead_score', render: (c) => <ScoreBadge score={c.lead_score} band={c.band} /> },
  { key: 'tags', label: 'Tags', width: 200, render: (c) => <TagChips tags={c.tags} /> },
  { key: 'lead_source', label: 'Source', width: 120, sort: 'lead_source', render: (c) => text(c.lead_source) },
  { key: 'owner', label: 'Owner', width: 150, render: (c) => text(c.owner ? c.owner.name || c.owner.email : null) },
  { key: 'phone', label: 'Phone', width: 140, render: (c) => text(c.phone) },
  { key: 'mobile', label: 'Mobile', width: 140, render: (c) => text(c.mobile) },
  { key: 'city', label: 'City', width: 120, sort: 'city', render: (c) => text(c.city) },
  { key: 'state', label: 'State', width: 100, sort: 'state', render: (c) => text(c.state) },
  { key: 'country', label: 'Country', width: 100, sort: 'country', render: (c) => text(c.country) },
  { key: 'created_at', label: 'Created', width: 120, sort: 'created_at', render: (c) => formatDate(c.created_at) },
  { key: 'updated_at', label: 'Updated', width: 120, sort: 'updated_at', render: (c) => relativeTime(c.updated_at) },
  { key: 'last_activity_at', label: 'Last activity', width: 130, sort: 'last_activity_at', render: (c) => relativeTime(c.last_activity_at) },
];

function customValue(v: unknown): ReactNode {
  if (v === undefined || v === null || v === '') return <span className="subtle">—</span>;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}

export function allColumns(customFields: CustomField[] | undefined): Column[] {
  const custom: Column[] = (customFields ?? []).map((f) => ({
    key: `custom.${f.key}`,
    label: f.label || f.key || '',
    width: 150,
    render: (c: Contact) => customValue((c.custom as Record<string, unknown> | undefined)?.[f.key ?? '']),
  }));
  return [...BUILT_IN, ...custom];
}
