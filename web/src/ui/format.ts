// Display names and formats shared by every page. The rules themselves (bands, stage order)
// are the server's; these only name them.
export const STAGES = ['lead', 'qualified', 'opportunity', 'customer', 'evangelist'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_LABELS: Record<Stage, string> = {
  lead: 'Lead', qualified: 'Qualified', opportunity: 'Opportunity', customer: 'Customer', evangelist: 'Evangelist',
};

export const BANDS = ['cold', 'warm', 'hot', 'sales_ready'] as const;
export type Band = (typeof BANDS)[number];
export const BAND_LABELS: Record<Band, string> = { cold: 'Cold', warm: 'Warm', hot: 'Hot', sales_ready: 'Sales-ready' };
// Only for showing a colour before the server's band arrives (DESIGN.md §2 bands).
export function bandOf(score: number): Band {
  return score <= 25 ? 'cold' : score <= 50 ? 'warm' : score <= 75 ? 'hot' : 'sales_ready';
}

export function fullName(c: { first_name?: string | null; last_name?: string | null; email?: string }): string {
  const n = [c.first_name, c.last_name].filter(Boolean).join(' ').trim();
  return n || c.email || '(no name)';
}

export function initials(c: { first_name?: string | null; last_name?: string | null; email?: string }): string {
  const a = (c.first_name ?? '').trim()[0] ?? '';
  const b = (c.last_name ?? '').trim()[0] ?? '';
  return (a + b || (c.email ?? '?')[0] || '?').toUpperCase();
}

const dateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateFmt.format(d);
}
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTimeFmt.format(d);
}
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 86400 * 7) return `${Math.round(s / 86400)} d ago`;
  return formatDate(iso);
}
export function formatCount(n: number): string {
  return n.toLocaleString();
}
