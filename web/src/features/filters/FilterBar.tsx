// The filter bar: chips built from a menu of fields, each with an editor fit for its type, and
// the same filter as editable text below them. The chips and the text are two views of one
// string (filterModel.ts); `value`/`onChange` carry that string, which the page keeps in the URL.
import { type FormEvent, memo, useEffect, useMemo, useState } from 'react';
import type { CustomField, Tag, User } from '../../api/generated/schema';
import { Popover } from '../../ui/components';
import { BAND_LABELS, BANDS, STAGE_LABELS, STAGES } from '../../ui/format';
import { canonicalField, type Chip, type ChipOp, describeChip, type FieldChip, formatFilter, isComplete, parseFilter } from './filterModel';

type Kind = 'options' | 'range' | 'text' | 'boolean' | 'date';
type FieldSpec = { field: string; label: string; kind: Kind; options?: Array<{ value: string; label: string }>; multiAll?: boolean };

export function fieldSpecs(customFields: CustomField[], tags: Tag[], users: User[]): FieldSpec[] {
  const specs: FieldSpec[] = [
    { field: 'tag', label: 'Tag', kind: 'options', options: tags.map((t) => ({ value: t.name ?? '', label: t.name ?? '' })), multiAll: true },
    { field: 'stage', label: 'Lifecycle stage', kind: 'options', options: STAGES.map((s) => ({ value: s, label: STAGE_LABELS[s] })) },
    { field: 'source', label: 'Lead source', kind: 'text' },
    { field: 'score', label: 'Lead score', kind: 'range' },
    { field: 'band', label: 'Score band', kind: 'options', options: BANDS.map((b) => ({ value: b, label: BAND_LABELS[b] })) },
    {
      field: 'owner', label: 'Owner', kind: 'options',
      options: [{ value: 'me', label: 'Me' }, { value: 'none', label: 'No owner' }, ...users.map((u) => ({ value: u.email, label: u.name || u.email }))],
    },
    { field: 'company', label: 'Company', kind: 'text' },
    { field: 'created', label: 'Created', kind: 'date' },
    { field: 'updated', label: 'Updated', kind: 'date' },
  ];
  for (const f of customFields) {
    const field = `custom.${f.key}`;
    const label = f.label || f.key || field;
    switch (f.type) {
      case 'select': specs.push({ field, label, kind: 'options', options: (f.options ?? []).map((o) => ({ value: o, label: o })) }); break;
      case 'number': specs.push({ field, label, kind: 'range' }); break;
      case 'date': specs.push({ field, label, kind: 'date' }); break;
      case 'boolean': specs.push({ field, label, kind: 'boolean' }); break;
      default: specs.push({ field, label, kind: 'text' });
    }
  }
  return specs;
}

function specFor(specs: FieldSpec[], field: string): FieldSpec | undefined {
  const key = canonicalField(field);
  return specs.find((s) => s.field === key || (key.startsWith('custom.') ? false : s.field === `custom.${key}`));
}

type Props = {
  value: string;
  onChange: (text: string) => void;
  customFields: CustomField[];
  tags: Tag[];
  users: User[];
  error?: string | null;
};

// Memoized: the Contacts page re-renders as pages of rows arrive, the filter bar need not.
export const FilterBar = memo(function FilterBar({ value, onChange, customFields, tags, users, error }: Props) {
  const chips = useMemo(() => parseFilter(value), [value]);
  const specs = useMemo(() => fieldSpecs(customFields, tags, users), [customFields, tags, users]);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [newField, setNewField] = useState<string | null>(null);
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);

  const labelOf = (field: string) => specFor(specs, field)?.label ?? field;
  const valueLabel = (field: string, v: string) => specFor(specs, field)?.options?.find((o) => o.value === v)?.label ?? v;

  const commit = (next: Chip[]) => onChange(formatFilter(next.filter(isComplete)));
  const replace = (i: number, chip: Chip) => commit(chips.map((c, k) => (k === i ? chip : c)));
  const removeAt = (i: number) => commit(chips.filter((_, k) => k !== i));

  const submitText = (e?: FormEvent) => {
    e?.preventDefault();
    if (text.trim() !== value.trim()) onChange(text.trim());
  };

  return (
    <div className="filterbar" data-testid="filter-bar">
      <div className="filter-row" aria-label="Filters" role="group">
        {chips.map((chip, i) => (
          <ChipView
            key={`${i}:${formatFilter([chip])}`}
            chip={chip}
            label={describeChip(chip, labelOf, valueLabel)}
            open={editing === i}
            onOpen={() => setEditing(i)}
            onClose={() => setEditing(null)}
            onRemove={() => removeAt(i)}
            editor={
              chip.kind === 'field' && specFor(specs, chip.field) ? (
                <ChipEditor
                  spec={specFor(specs, chip.field)!}
                  chip={chip}
                  onApply={(c) => {
                    replace(i, c);
                    setEditing(null);
                  }}
                />
              ) : null
            }
          />
        ))}
        <Popover
          open={editing === 'new'}
          onClose={() => {
            setEditing(null);
            setNewField(null);
          }}
          label="Add a filter"
          anchor={
            <button className="btn small ghost" onClick={() => setEditing(editing === 'new' ? null : 'new')} aria-haspopup="dialog" aria-expanded={editing === 'new'}>
              + Add filter
            </button>
          }
        >
          {newField === null ? (
            <div className="menu" role="menu">
              <div className="group">Fields</div>
              {specs.filter((s) => !s.field.startsWith('custom.')).map((s) => (
                <button key={s.field} role="menuitem" onClick={() => setNewField(s.field)}>{s.label}</button>
              ))}
              {specs.some((s) => s.field.startsWith('custom.')) && <div className="group">Custom fields</div>}
              {specs.filter((s) => s.field.startsWith('custom.')).map((s) => (
                <button key={s.field} role="menuitem" onClick={() => setNewField(s.field)}>{s.label}</button>
              ))}
            </div>
          ) : (
            <ChipEditor
              spec={specs.find((s) => s.field === newField)!}
              chip={null}
              onApply={(c) => {
                commit([...chips, c]);
                setEditing(null);
                setNewField(null);
              }}
            />
          )}
        </Popover>
        {chips.length > 0 && (
          <button className="btn small ghost" onClick={() => onChange('')}>Clear all</button>
        )}
      </div>
      <form className="filter-row" onSubmit={submitText}>
        <label htmlFor="filter-text" className="label-text">Filter text</label>
        <input
          id="filter-text"
          className={`input filter-text${error ? ' invalid' : ''}`}
          value={text}
          placeholder="tag:inbound stage:lead,qualified score:50..100"
          onChange={(e) => setText(e.target.value)}
          onBlur={() => submitText()}
          spellCheck={false}
          aria-invalid={!!error}
          aria-describedby={error ? 'filter-error' : undefined}
        />
      </form>
      {error && <div id="filter-error" className="field-error" role="alert">{error}</div>}
    </div>
  );
});

function ChipView({ chip, label, open, onOpen, onClose, onRemove, editor }: {
  chip: Chip; label: string; open: boolean; onOpen: () => void; onClose: () => void; onRemove: () => void; editor: React.ReactNode;
}) {
  return (
    <Popover
      open={open && editor !== null}
      onClose={onClose}
      label={`Edit filter ${label}`}
      anchor={
        <span className={`chip${chip.kind === 'raw' ? ' raw' : ''}`} data-testid="filter-chip">
          <button className="chip-body" onClick={() => (editor ? onOpen() : document.getElementById('filter-text')?.focus())} title={label}>
            {label}
          </button>
          <button className="chip-x" onClick={onRemove} aria-label={`Remove filter ${label}`}>×</button>
        </span>
      }
    >
      {editor}
    </Popover>
  );
}

// One editor per kind of field. Applying builds a complete chip; the bar drops incomplete ones.
function ChipEditor({ spec, chip, onApply }: { spec: FieldSpec; chip: FieldChip | null; onApply: (c: FieldChip) => void }) {
  const [negate, setNegate] = useState(chip?.negate ?? false);
  const [op, setOp] = useState<ChipOp>(chip?.op ?? (spec.kind === 'text' ? 'is' : spec.kind === 'range' || spec.kind === 'date' ? 'between' : 'is'));
  const [values, setValues] = useState<string[]>(chip?.values ?? []);
  const field = chip?.field ?? spec.field;
  const make = (o: ChipOp, vs: string[], neg = negate): FieldChip => ({ kind: 'field', field, negate: neg, op: o, values: vs });

  const apply = (e: FormEvent) => {
    e.preventDefault();
    let c: FieldChip;
    if (spec.kind === 'range' || spec.kind === 'date') {
      const [lo = '', hi = ''] = values;
      if (lo && hi) c = make('between', [lo, hi], false);
      else if (lo) c = make('gte', [lo], false);
      else if (hi) c = make('lte', [hi], false);
      else return;
    } else if (op === 'present') {
      c = make('present', []);
    } else {
      c = make(op, values.filter((v) => v !== ''));
    }
    if (isComplete(c)) onApply(c);
  };

  const toggle = (v: string) => setValues((vs) => (vs.includes(v) ? vs.filter((x) => x !== v) : [...vs, v]));
  const id = `f-${field.replace(/[^a-z0-9]/gi, '-')}`;

  return (
    <form onSubmit={apply} style={{ display: 'flex', flexDirection: 'column', gap: 12 }} aria-label={`${spec.label} filter`}>
      <h3>{spec.label}</h3>
      {spec.kind === 'options' && (
        <>
          <select className="input" aria-label="Match" value={negate ? 'none' : op === 'all' ? 'all' : 'any'}
            onChange={(e) => {
              setNegate(e.target.value === 'none');
              setOp(e.target.value === 'all' ? 'all' : 'is');
            }}>
            <option value="any">is any of</option>
            {spec.multiAll && <option value="all">has all of</option>}
            <option value="none">is none of</option>
          </select>
          <div className="options" role="group" aria-label={`${spec.label} values`}>
            {(spec.options ?? []).length === 0 && <span className="subtle">No values yet. Type one in the filter text.</span>}
            {(spec.options ?? []).map((o) => (
              <label key={o.value} className="checkbox">
                <input type="checkbox" checked={values.includes(o.value)} onChange={() => toggle(o.value)} />
                {o.label}
              </label>
            ))}
          </div>
        </>
      )}
      {(spec.kind === 'range' || spec.kind === 'date') && (
        <div className="row">
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-min`}>{spec.kind === 'date' ? 'From' : 'Min'}</label>
            <input id={`${id}-min`} className="input" type={spec.kind === 'date' ? 'date' : 'number'} value={values[0] ?? ''}
              onChange={(e) => setValues([e.target.value, values[1] ?? ''])} autoFocus />
          </div>
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-max`}>{spec.kind === 'date' ? 'To' : 'Max'}</label>
            <input id={`${id}-max`} className="input" type={spec.kind === 'date' ? 'date' : 'number'} value={values[1] ?? ''}
              onChange={(e) => setValues([values[0] ?? '', e.target.value])} />
          </div>
        </div>
      )}
      {spec.kind === 'text' && (
        <>
          <select className="input" aria-label="Condition" value={`${negate ? '-' : ''}${op}`}
            onChange={(e) => {
              const v = e.target.value;
              setNegate(v.startsWith('-'));
              setOp(v.replace(/^-/, '') as ChipOp);
            }}>
            <option value="is">is</option>
            <option value="-is">is not</option>
            <option value="contains">contains</option>
            <option value="prefix">starts with</option>
            <option value="present">has a value</option>
            <option value="-present">is empty</option>
          </select>
          {op !== 'present' && (
            <input className="input" aria-label={`${spec.label} value`} value={values.join(',')} autoFocus
              onChange={(e) => setValues(op === 'is' ? e.target.value.split(',') : [e.target.value])} />
          )}
        </>
      )}
      {spec.kind === 'boolean' && (
        <div className="row" role="radiogroup" aria-label={spec.label}>
          {['true', 'false'].map((v) => (
            <label key={v} className="checkbox">
              <input type="radio" name={id} checked={values[0] === v} onChange={() => { setOp('is'); setValues([v]); }} />
              {v === 'true' ? 'Yes' : 'No'}
            </label>
          ))}
        </div>
      )}
      <div className="form-actions">
        <button className="btn primary small" type="submit">Apply</button>
      </div>
    </form>
  );
}
