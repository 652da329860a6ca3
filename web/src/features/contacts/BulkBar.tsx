// The bar over the table while contacts are selected: how many (the chosen rows, or every
// contact matching the filter), the actions (add or remove a tag, set the stage or the owner,
// delete), and a job's progress while a big action runs (bulk.ts follows the job).
import { useState } from 'react';
import type { Tag, User } from '../../api/generated/schema';
import { useMe } from '../../app/session';
import { Popover, Spinner } from '../../ui/components';
import { STAGE_LABELS, STAGES } from '../../ui/format';
import type { JobProgress } from '../jobs/jobs';
import { type BulkAction, plural } from './bulk';

type Props = {
  selectedCount: number; // chosen rows, or the matching count when allMatching
  allMatching: boolean;
  matching: number | null; // the filter's count, when known
  canSelectAll: boolean; // every loaded row is chosen and more match
  onSelectAll: (all: boolean) => void;
  onClear: () => void;
  onRun: (a: BulkAction) => Promise<void>;
  progress: JobProgress | null;
  tags: Tag[];
  users: User[];
};

export function BulkBar({ selectedCount, allMatching, matching, canSelectAll, onSelectAll, onClear, onRun, progress, tags, users }: Props) {
  const me = useMe();
  const [open, setOpen] = useState<'add' | 'remove' | 'stage' | 'owner' | 'delete' | null>(null);
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (a: BulkAction) => {
    setOpen(null);
    setBusy(true);
    try {
      await onRun(a);
    } finally {
      setBusy(false);
      setTag('');
    }
  };
  const owners = users.length > 0 ? users : [me.user];
  const what = allMatching ? (matching === null ? 'all matching contacts' : plural(matching, 'contact')) : plural(selectedCount, 'contact');
  const tagForm = (kind: 'add' | 'remove') => (
    <form onSubmit={(e) => {
      e.preventDefault();
      if (tag.trim()) void run({ type: kind === 'add' ? 'add_tags' : 'remove_tags', tags: [tag.trim()] });
    }} className="row">
      <label htmlFor={`bulk-${kind}-tag`} className="sr-only">Tag</label>
      <input id={`bulk-${kind}-tag`} className="input" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="Tag" autoFocus list="bulk-tag-names" />
      <button className="btn primary small" type="submit">{kind === 'add' ? 'Add' : 'Remove'}</button>
    </form>
  );
  return (
    <div className="bulkbar" role="toolbar" aria-label="Selected contacts" data-testid="bulk-bar">
      <strong data-testid="bulk-count">{allMatching ? `All ${what} selected` : `${selectedCount.toLocaleString('en-US')} selected`}</strong>
      {canSelectAll && !allMatching && (
        <button className="btn small ghost light" onClick={() => onSelectAll(true)} data-testid="select-all-matching">
          Select all {matching === null ? 'matching' : `${matching.toLocaleString('en-US')} matching`}
        </button>
      )}
      {allMatching && <button className="btn small ghost light" onClick={() => onSelectAll(false)}>Only the loaded rows</button>}
      <datalist id="bulk-tag-names">{tags.map((t) => <option key={t.id} value={t.name} />)}</datalist>
      <Popover open={open === 'add'} onClose={() => setOpen(null)} label="Add a tag" anchor={
        <button className="btn small" onClick={() => setOpen('add')} disabled={busy}>Add tag</button>}>
        {tagForm('add')}
      </Popover>
      <Popover open={open === 'remove'} onClose={() => setOpen(null)} label="Remove a tag" anchor={
        <button className="btn small" onClick={() => setOpen('remove')} disabled={busy}>Remove tag</button>}>
        {tagForm('remove')}
      </Popover>
      <Popover open={open === 'stage'} onClose={() => setOpen(null)} label="Set stage" anchor={
        <button className="btn small" onClick={() => setOpen('stage')} disabled={busy}>Set stage</button>}>
        <div className="menu" role="menu">
          {STAGES.map((s) => <button key={s} role="menuitem" onClick={() => void run({ type: 'set_stage', stage: s })}>{STAGE_LABELS[s]}</button>)}
        </div>
      </Popover>
      <Popover open={open === 'owner'} onClose={() => setOpen(null)} label="Set owner" anchor={
        <button className="btn small" onClick={() => setOpen('owner')} disabled={busy}>Set owner</button>}>
        <div className="menu" role="menu">
          {owners.map((u) => <button key={u.id} role="menuitem" onClick={() => void run({ type: 'set_owner', owner: u.email })}>{u.name || u.email}{u.id === me.user.id ? ' (me)' : ''}</button>)}
          <button role="menuitem" onClick={() => void run({ type: 'set_owner', owner: null })}>No owner</button>
        </div>
      </Popover>
      <Popover open={open === 'delete'} onClose={() => setOpen(null)} label="Delete contacts" anchor={
        <button className="btn small danger" onClick={() => setOpen('delete')} disabled={busy}>Delete</button>}>
        <div className="field-stack">
          <div>Delete {what}? You can undo right after.</div>
          <div className="form-actions">
            <button className="btn small" onClick={() => setOpen(null)}>Cancel</button>
            <button className="btn small danger" onClick={() => void run({ type: 'delete' })} data-testid="confirm-delete">Delete {what}</button>
          </div>
        </div>
      </Popover>
      {busy && (progress && progress.total > 0 ? (
        <span className="bulk-progress" data-testid="bulk-progress">
          <progress value={progress.done} max={progress.total} aria-label="Bulk action progress" />
          {progress.done.toLocaleString('en-US')} / {progress.total.toLocaleString('en-US')}
        </span>
      ) : <Spinner label="Working" />)}
      <span style={{ flex: 1 }} />
      <button className="btn small ghost light" onClick={onClear}>Clear selection</button>
    </div>
  );
}
