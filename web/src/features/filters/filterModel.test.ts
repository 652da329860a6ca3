import { describe, expect, it } from 'vitest';
import { type Chip, formatFilter, isComplete, parseFilter, quoteValue, splitTerms } from './filterModel';

const f = (field: string, op: Extract<Chip, { kind: 'field' }>['op'], values: string[], negate = false): Chip => ({
  kind: 'field', field, op, values, negate,
});

// Chips -> text -> chips: each case's chips write out as `text`, and that text reads back as
// the same chips.
const ROUND_TRIPS: Array<{ name: string; chips: Chip[]; text: string }> = [
  { name: 'empty', chips: [], text: '' },
  { name: 'one tag', chips: [f('tag', 'is', ['inbound'])], text: 'tag:inbound' },
  { name: 'any of', chips: [f('stage', 'is', ['lead', 'qualified'])], text: 'stage:lead,qualified' },
  { name: 'none of', chips: [f('tag', 'is', ['spam', 'bounced'], true)], text: '-tag:spam,bounced' },
  { name: 'has all', chips: [f('tag', 'all', ['vip', 'event'])], text: 'tag:vip+event' },
  { name: 'range', chips: [f('score', 'between', ['50', '80'])], text: 'score:50..80' },
  { name: 'comparisons', chips: [f('score', 'gt', ['50']), f('created', 'lte', ['2026-01-31'])], text: 'score:>50 created:<=2026-01-31' },
  { name: 'gte lt', chips: [f('score', 'gte', ['10']), f('score', 'lt', ['90'])], text: 'score:>=10 score:<90' },
  { name: 'contains', chips: [f('company', 'contains', ['engines'])], text: 'company:~engines' },
  { name: 'prefix', chips: [f('email', 'prefix', ['ada'])], text: 'email:ada*' },
  { name: 'has a value', chips: [f('owner', 'present', [])], text: 'owner:*' },
  { name: 'is empty', chips: [f('custom.industry', 'present', [], true)], text: '-custom.industry:*' },
  { name: 'quoted value', chips: [f('tag', 'is', ['event attendee'])], text: 'tag:"event attendee"' },
  { name: 'quoted in a list', chips: [f('tag', 'is', ['event attendee', 'vip'])], text: 'tag:"event attendee",vip' },
  { name: 'quote and backslash escaped', chips: [f('title', 'is', ['say "hi" \\ bye'])], text: 'title:"say \\"hi\\" \\\\ bye"' },
  { name: 'value that looks like an operator', chips: [f('source', 'is', ['>web'])], text: 'source:">web"' },
  { name: 'value with a comma', chips: [f('company', 'is', ['Acme, Inc.'])], text: 'company:"Acme, Inc."' },
  { name: 'value with dots', chips: [f('source', 'is', ['a..b'])], text: 'source:"a..b"' },
  { name: 'value ending in a star', chips: [f('title', 'is', ['5*'])], text: 'title:"5*"' },
  { name: 'search words', chips: [{ kind: 'search', text: 'ada' }, f('stage', 'is', ['lead'])], text: 'ada stage:lead' },
  { name: 'quoted search', chips: [{ kind: 'search', text: 'ada love' }], text: '"ada love"' },
  { name: 'raw OR group kept', chips: [{ kind: 'raw', text: '(tag:a OR tag:b)' }, f('score', 'gt', ['5'])], text: '(tag:a OR tag:b) score:>5' },
  {
    name: 'the issue example: tag + stage + score range',
    chips: [f('tag', 'is', ['inbound']), f('stage', 'is', ['qualified', 'opportunity']), f('score', 'between', ['40', '90'])],
    text: 'tag:inbound stage:qualified,opportunity score:40..90',
  },
  { name: 'custom select', chips: [f('custom.industry', 'is', ['Software'])], text: 'custom.industry:Software' },
  { name: 'band', chips: [f('band', 'is', ['hot', 'sales_ready'])], text: 'band:hot,sales_ready' },
];

describe('filter bar model: chips -> text -> chips', () => {
  for (const c of ROUND_TRIPS) {
    it(c.name, () => {
      expect(formatFilter(c.chips)).toBe(c.text);
      expect(parseFilter(c.text)).toEqual(c.chips);
    });
  }
});

// Text typed by hand -> chips -> the canonical text the bar writes back.
const NORMALIZE: Array<{ text: string; canonical: string }> = [
  { text: '  tag:inbound    stage:lead ', canonical: 'tag:inbound stage:lead' },
  { text: 'tag:"inbound"', canonical: 'tag:inbound' },
  { text: 'ada OR grace', canonical: 'ada OR grace' },
  { text: '-(tag:a tag:b) x', canonical: '-(tag:a tag:b) x' },
  { text: 'tag:"unterminated', canonical: 'tag:"unterminated' },
];

describe('filter bar model: typed text keeps its meaning', () => {
  for (const c of NORMALIZE) {
    it(JSON.stringify(c.text), () => {
      expect(formatFilter(parseFilter(c.text))).toBe(c.canonical);
    });
  }
});

describe('splitTerms', () => {
  it('keeps quotes and parentheses together', () => {
    expect(splitTerms('a:"x y" (b:1 OR c:2) d')).toEqual(['a:"x y"', '(b:1 OR c:2)', 'd']);
  });
});

describe('quoteValue', () => {
  const CASES: Array<[string, string]> = [
    ['plain', 'plain'], ['two words', '"two words"'], ['', '""'], ['-x', '"-x"'], ['a+b', '"a+b"'],
  ];
  for (const [v, want] of CASES) it(v || '(empty)', () => expect(quoteValue(v)).toBe(want));
});

describe('isComplete', () => {
  const CASES: Array<[Chip, boolean]> = [
    [f('tag', 'is', []), false],
    [f('tag', 'is', ['a']), true],
    [f('score', 'between', ['1', '']), false],
    [f('score', 'between', ['1', '5']), true],
    [f('owner', 'present', []), true],
    [{ kind: 'search', text: ' ' }, false],
  ];
  CASES.forEach(([chip, want], i) => it(`case ${i}`, () => expect(isComplete(chip)).toBe(want)));
});
