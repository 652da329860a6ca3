// Bulk actions through POST /api/v1/contacts/bulk: on chosen ids or on every contact matching
// the filter. The server runs small selections at once (200 with counts and the ids it acted
// on) and queues bigger ones as a job (202); runBulk follows the job to its end either way, so
// callers see one promise with the counts.
import { api } from '../../api/client';
import type { BulkCounts, BulkRequest } from '../../api/generated/schema';
import { STAGE_LABELS, type Stage } from '../../ui/format';
import { type JobProgress, waitForJob } from '../jobs/jobs';

export type Selection = { kind: 'ids'; ids: string[] } | { kind: 'filter'; q: string; count: number | null };
export type BulkAction = BulkRequest['action'];
export type BulkResult = { counts: BulkCounts; ids: string[] | null; job: boolean };

function selectionBody(s: Selection): Pick<BulkRequest, 'ids' | 'q'> {
  return s.kind === 'ids' ? { ids: s.ids } : { q: s.q };
}

function asCounts(v: unknown): BulkCounts {
  const o = (v ?? {}) as Partial<Record<keyof BulkCounts, unknown>>;
  const n = (x: unknown) => (typeof x === 'number' ? x : 0);
  return { total: n(o.total), changed: n(o.changed), unchanged: n(o.unchanged), skipped: n(o.skipped) };
}

export async function runBulk(selection: Selection, action: BulkAction, onProgress: (p: JobProgress) => void): Promise<BulkResult> {
  const r = await api('post', '/api/v1/contacts/bulk', { body: { ...selectionBody(selection), action } });
  // The fragment types the 200 answer; a 202 answer carries state "queued" and the job id.
  const answer = r as unknown as { state: string; counts?: BulkCounts; ids?: string[]; job_id?: string };
  if (answer.state === 'queued' && answer.job_id) {
    const job = await waitForJob(answer.job_id, onProgress);
    return { counts: asCounts(job.result), ids: null, job: true };
  }
  return { counts: asCounts(answer.counts), ids: answer.ids ?? null, job: false };
}

// The selection that undoes a delete: the ids the server deleted (inline), the ids that were
// chosen, or else the same filter (restore then selects the deleted contacts matching it,
// which includes any that matched and were deleted before).
export function undoSelection(selection: Selection, result: BulkResult): Selection {
  if (result.ids) return { kind: 'ids', ids: result.ids };
  return selection;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

// "Added the tag “vip” to 12 contacts (3 already had it)".
export function describe(action: BulkAction, c: BulkCounts): string {
  const n = plural(c.changed, 'contact');
  const rest = [c.unchanged > 0 ? `${c.unchanged.toLocaleString('en-US')} unchanged` : '', c.skipped > 0 ? `${c.skipped.toLocaleString('en-US')} skipped` : '']
    .filter(Boolean).join(', ');
  const tail = rest ? ` (${rest})` : '';
  switch (action.type) {
    case 'add_tags': return `Tagged ${n} with “${(action.tags as string[] | undefined)?.join(', ')}”${tail}`;
    case 'remove_tags': return `Removed “${(action.tags as string[] | undefined)?.join(', ')}” from ${n}${tail}`;
    case 'set_stage': return `Moved ${n} to ${STAGE_LABELS[action.stage as Stage] ?? action.stage}${tail}`;
    case 'set_owner': return `Changed the owner of ${n}${tail}`;
    case 'delete': return `Deleted ${n}${tail}`;
    case 'restore': return `Restored ${n}${tail}`;
    default: return `Updated ${n}${tail}`;
  }
}
