// The filter bar's model: a filter is a list of chips, and the text form of the filter language
// (DESIGN.md §4, src/query/filter.h) is the same list written out. Both directions are pure
// functions so that the URL (text) and the chips can never disagree:
//
//   parseFilter("tag:inbound stage:lead,qualified score:50..80")  -> Chip[]
//   formatFilter(chips)                                          -> the text again
//
// The server owns the language: it validates fields and values (unknown fields answer 400 naming
// the term) and canonicalizes. This model only splits the text into top-level terms. A term the
// chips cannot edit (an OR, a group in parentheses) is kept as a "raw" chip with its text, so
// nothing typed into the text form is lost on the way through the chips.

export type ChipOp =
  | 'is' // field:a or field:a,b (any of); with negate: none of
  | 'all' // tag:a+b (has all)
  | 'gt' | 'gte' | 'lt' | 'lte' // field:>50 ...
  | 'between' // field:10..50
  | 'contains' // field:~part
  | 'prefix' // field:pre*
  | 'present'; // field:* ; with negate: -field:* (is empty)

export type FieldChip = {
  kind: 'field';
  field: string; // as written: "tag", "stage", "custom.industry"
  negate: boolean;
  op: ChipOp;
  values: string[]; // none for present, two for between, one or more for is/all, one otherwise
};
export type SearchChip = { kind: 'search'; text: string };
export type RawChip = { kind: 'raw'; text: string };
export type Chip = FieldChip | SearchChip | RawChip;

const FIELD_TERM = /^(-?)([A-Za-z_][A-Za-z0-9_.]*):([\s\S]*)$/;

// Splits at top-level spaces: quotes and parentheses keep their contents together.
export function splitTerms(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      cur += c;
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    if (/\s/.test(c) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

// Splits a value list at unquoted separators ("," or "+"), unquoting each item.
function splitValues(text: string, sep: ',' | '+'): string[] | null {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else if (c === '"') quoted = false;
      else cur += c;
      continue;
    }
    if (c === '"') {
      quoted = true;
      wasQuoted = true;
    } else if (c === sep) {
      items.push(cur);
      cur = '';
      wasQuoted = false;
    } else cur += c;
  }
  if (quoted) return null;
  if (cur || wasQuoted || items.length > 0) items.push(cur);
  return items;
}

// True when the unquoted part of `text` has `needle` (so a quoted "a..b" stays a value).
function unquotedIncludes(text: string, needle: string): boolean {
  let plain = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      plain += ' ';
      continue;
    }
    if (c === '"') {
      quoted = true;
      plain += ' ';
    } else plain += c;
  }
  return plain.includes(needle);
}

function unquote(text: string): string {
  const v = splitValues(text, ',');
  return v && v.length === 1 ? v[0]! : text;
}

function parseTerm(term: string): Chip {
  const m = FIELD_TERM.exec(term);
  if (!m) {
    if (term === 'OR' || term.startsWith('(') || term.startsWith('-(')) return { kind: 'raw', text: term };
    return { kind: 'search', text: unquote(term) };
  }
  const negate = m[1] === '-';
  const field = m[2]!;
  const value = m[3]!;
  const chip = (op: ChipOp, values: string[]): FieldChip => ({ kind: 'field', field, negate, op, values });
  if (value === '*') return chip('present', []);
  const cmp = /^(>=|<=|>|<)([\s\S]+)$/.exec(value);
  if (cmp) {
    const op = ({ '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' } as const)[cmp[1] as '>' | '>=' | '<' | '<='];
    return chip(op, [unquote(cmp[2]!)]);
  }
  if (value.startsWith('~') && value.length > 1) return chip('contains', [unquote(value.slice(1))]);
  if (unquotedIncludes(value, '..')) {
    const at = value.indexOf('..');
    return chip('between', [unquote(value.slice(0, at)), unquote(value.slice(at + 2))]);
  }
  if (value.endsWith('*') && !value.endsWith('\\*') && value.length > 1 && !unquotedIncludes(value, ',')) {
    return chip('prefix', [unquote(value.slice(0, -1))]);
  }
  if (unquotedIncludes(value, '+')) {
    const all = splitValues(value, '+');
    if (all && all.length > 1) return chip('all', all);
  }
  const any = splitValues(value, ',');
  if (!any) return { kind: 'raw', text: term };
  return chip('is', any);
}

export function parseFilter(text: string): Chip[] {
  return splitTerms(text.trim()).map(parseTerm);
}

// Quotes a value when written bare it would mean something else.
export function quoteValue(v: string): string {
  const plain = v !== '' && !/[\s,+"\\()]/.test(v) && !/^[-><~]/.test(v) && !v.endsWith('*') && !v.includes('..');
  return plain ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function formatChip(chip: Chip): string {
  switch (chip.kind) {
    case 'raw':
      return chip.text;
    case 'search':
      return quoteValue(chip.text);
    case 'field': {
      const head = `${chip.negate ? '-' : ''}${chip.field}:`;
      const v = chip.values;
      switch (chip.op) {
        case 'present': return `${head}*`;
        case 'is': return head + v.map(quoteValue).join(',');
        case 'all': return head + v.map(quoteValue).join('+');
        case 'gt': return `${head}>${quoteValue(v[0] ?? '')}`;
        case 'gte': return `${head}>=${quoteValue(v[0] ?? '')}`;
        case 'lt': return `${head}<${quoteValue(v[0] ?? '')}`;
        case 'lte': return `${head}<=${quoteValue(v[0] ?? '')}`;
        case 'between': return `${head}${quoteValue(v[0] ?? '')}..${quoteValue(v[1] ?? '')}`;
        case 'contains': return `${head}~${quoteValue(v[0] ?? '')}`;
        case 'prefix': return `${head}${quoteValue(v[0] ?? '')}*`;
      }
    }
  }
}

export function formatFilter(chips: Chip[]): string {
  return chips.map(formatChip).filter((t) => t !== '').join(' ');
}

// A chip is complete when the server can read it (the editor drops incomplete ones).
export function isComplete(chip: Chip): boolean {
  if (chip.kind !== 'field') return chip.text.trim() !== '';
  switch (chip.op) {
    case 'present': return true;
    case 'between': return chip.values.length === 2 && chip.values.every((v) => v !== '');
    case 'is': case 'all': return chip.values.length > 0 && chip.values.every((v) => v !== '');
    default: return chip.values.length === 1 && chip.values[0] !== '';
  }
}

// Field names as the chip menu and the server know them; aliases fold to one key so that
// "tag:" and "tags:" chips both open the tag editor.
const ALIASES: Record<string, string> = {
  tags: 'tag', tag: 'tag',
  lifecycle_stage: 'stage', stage: 'stage',
  lead_source: 'source', source: 'source',
  lead_score: 'score', score: 'score',
};
export function canonicalField(field: string): string {
  const f = field.toLowerCase();
  return ALIASES[f] ?? f;
}

// A short human sentence for a chip: "Tag is inbound or event", "Score 50–80".
export function describeChip(chip: Chip, label: (field: string) => string, valueLabel?: (field: string, v: string) => string): string {
  if (chip.kind === 'raw') return chip.text;
  if (chip.kind === 'search') return `“${chip.text}”`;
  const name = label(chip.field);
  const vl = (v: string) => (valueLabel ? valueLabel(chip.field, v) : v);
  const vs = chip.values.map(vl);
  const not = chip.negate;
  switch (chip.op) {
    case 'present': return `${name} ${not ? 'is empty' : 'has a value'}`;
    case 'is': return `${name} ${not ? 'is not' : 'is'} ${vs.join(not ? ' nor ' : ' or ')}`;
    case 'all': return `${name} ${not ? 'lacks' : 'has all of'} ${vs.join(', ')}`;
    case 'gt': return `${name} ${not ? '≤' : '>'} ${vs[0]}`;
    case 'gte': return `${name} ${not ? '<' : '≥'} ${vs[0]}`;
    case 'lt': return `${name} ${not ? '≥' : '<'} ${vs[0]}`;
    case 'lte': return `${name} ${not ? '>' : '≤'} ${vs[0]}`;
    case 'between': return `${name} ${not ? 'not ' : ''}${vs[0]}–${vs[1]}`;
    case 'contains': return `${name} ${not ? 'does not contain' : 'contains'} ${vs[0]}`;
    case 'prefix': return `${name} ${not ? 'does not start with' : 'starts with'} ${vs[0]}`;
  }
}
