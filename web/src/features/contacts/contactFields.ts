// The contact's built-in fields as the forms show them (DESIGN.md §2), in form order.
export type FieldInput = 'text' | 'email' | 'tel' | 'url' | 'stage' | 'score' | 'tags' | 'owner' | 'emails';
export type ContactField = { key: string; label: string; input: FieldInput; section: 'main' | 'work' | 'social' | 'address' };

export const CONTACT_FIELDS: ContactField[] = [
  { key: 'email', label: 'Email', input: 'email', section: 'main' },
  { key: 'first_name', label: 'First name', input: 'text', section: 'main' },
  { key: 'last_name', label: 'Last name', input: 'text', section: 'main' },
  { key: 'phone', label: 'Phone', input: 'tel', section: 'main' },
  { key: 'mobile', label: 'Mobile', input: 'tel', section: 'main' },
  { key: 'additional_emails', label: 'Additional emails', input: 'emails', section: 'main' },
  { key: 'company', label: 'Company', input: 'text', section: 'work' },
  { key: 'title', label: 'Title', input: 'text', section: 'work' },
  { key: 'department', label: 'Department', input: 'text', section: 'work' },
  { key: 'lifecycle_stage', label: 'Lifecycle stage', input: 'stage', section: 'work' },
  { key: 'lead_score', label: 'Lead score', input: 'score', section: 'work' },
  { key: 'lead_source', label: 'Lead source', input: 'text', section: 'work' },
  { key: 'owner', label: 'Owner', input: 'owner', section: 'work' },
  { key: 'tags', label: 'Tags', input: 'tags', section: 'work' },
  { key: 'linkedin', label: 'LinkedIn', input: 'url', section: 'social' },
  { key: 'twitter', label: 'Twitter / X', input: 'url', section: 'social' },
  { key: 'street', label: 'Street', input: 'text', section: 'address' },
  { key: 'city', label: 'City', input: 'text', section: 'address' },
  { key: 'state', label: 'State', input: 'text', section: 'address' },
  { key: 'postal_code', label: 'Postal code', input: 'text', section: 'address' },
  { key: 'country', label: 'Country', input: 'text', section: 'address' },
];

export const SECTION_LABELS = { main: 'Contact', work: 'Work and pipeline', social: 'Social', address: 'Address' } as const;
