/**
 * Check a handoff against the template and its budgets (SPEC §3).
 *
 * What is counted: a section's tokens are those of its block as written — from its `##` line up
 * to the next `##` line, comments included, trailing blank lines left out — because that is what
 * an agent reading the file pays for. The total is the whole file. Both are counted after the
 * BOM is dropped and CRLF turned into LF, so a CRLF copy counts the same as the original. A
 * section written twice is counted as the sum of its blocks.
 *
 * Out-of-order sections are a warning, not an error: the content is all there, the parser reads
 * it in any order, and the next merge or compress writes the canonical order back. Blocking an
 * agent's exit over order alone would spend a turn on cosmetics.
 *
 * An item written twice in one section (the same text once `normalizeText` has evened out
 * spacing) is a warning: it costs tokens twice and usually means two agents' copies were pasted
 * together by hand.
 */
import { normalizeText } from './items.js';
import { normalizeSource, scanHandoff, type HandoffScan } from './parse.js';
import { parseItemLine, sectionKey, splitAgentSuffix } from './syntax.js';
import { countEach, countTokens } from './tokens.js';
import { SECTION_NAMES } from './types.js';
import type { Encoding } from '../config/types.js';
import type { Finding, HandoffLimits, SectionReport, ValidationReport } from './types.js';

/**
 * A handoff's tokens as `handoff check` reports them: the file as written (BOM dropped, CRLF as
 * LF), comments and spacing included. `handoff compress` reports its "before" with this too, so
 * the two commands give one number for one file; its "after" is the canonical text it writes,
 * which is what check then counts in the written file.
 */
export function countHandoffTokens(text: string, encoding: Encoding): number {
  return countTokens(normalizeSource(text), encoding);
}

interface Seen {
  name: string;
  known: boolean;
  tokens: number;
  line: number;
  blocks: number;
  empty: boolean;
}

/** Validate handoff text: required sections, order, budgets, and the warnings of SPEC §3. */
export function validateHandoff(text: string, limits: HandoffLimits): ValidationReport {
  const { budget, encoding } = limits;
  const scan = scanHandoff(text);
  const totalTokens = countHandoffTokens(scan.source, encoding);
  const findings: Finding[] = [];
  const seen = new Map<string, Seen>();
  const order: Seen[] = [];
  const parsedByKey = new Map(scan.handoff.sections.map((s) => [sectionKey(s.name), s]));

  // Every section's count in one go: a handoff of a thousand small sections is one wait, not a thousand.
  const blockTokens = countEach(scan.spans.map((span) => scan.lines.slice(span.start, span.end).join('\n').trimEnd()), encoding);
  for (const [i, span] of scan.spans.entries()) {
    const tokens = blockTokens[i]!;
    const key = sectionKey(span.name);
    const s = seen.get(key);
    if (s) {
      s.tokens += tokens;
      s.blocks++;
      continue;
    }
    const parsed = parsedByKey.get(key);
    const entry: Seen = {
      name: parsed?.name ?? span.name,
      known: span.known,
      tokens,
      line: span.start + 1,
      blocks: 1,
      empty: !parsed || (parsed.items.length === 0 && parsed.text.length === 0),
    };
    seen.set(key, entry);
    order.push(entry);
  }

  if (!scan.hasTitle || !scan.handoff.title) {
    findings.push({ severity: 'warning', line: 1, message: 'no `# HANDOFF - <project>` title' });
  }
  const outOfOrder = orderProblems(order.filter((s) => s.known).map((s) => s.name));
  const sections: SectionReport[] = [];
  for (const name of SECTION_NAMES) {
    const s = seen.get(sectionKey(name));
    if (!s) {
      findings.push({ severity: 'error', section: name, message: `missing required section "${name}"` });
      sections.push({ name, status: 'missing', tokens: 0, budget: budget.section });
      continue;
    }
    const problem = outOfOrder.get(name);
    if (problem) findings.push({ severity: 'warning', section: name, line: s.line, message: problem });
    sections.push({ name, status: problem ? 'out-of-order' : 'present', tokens: s.tokens, budget: budget.section });
    checkSection(s, budget.section, findings);
    repeatedItems(scan, name, findings);
    if (s.empty && name === 'Blockers') {
      findings.push({ severity: 'warning', section: name, line: s.line, message: 'Blockers is empty: say what you decided against' });
    }
    if (s.empty && name === 'Key Decisions') {
      findings.push({
        severity: 'warning',
        section: name,
        line: s.line,
        message: 'Key Decisions is empty: say what you decided, and why',
      });
    }
  }
  for (const s of order) {
    if (s.known) continue;
    findings.push({ severity: 'warning', section: s.name, line: s.line, message: `unknown section "${s.name}"` });
    sections.push({ name: s.name, status: 'unknown', tokens: s.tokens, budget: budget.section });
    checkSection(s, budget.section, findings);
    repeatedItems(scan, s.name, findings);
  }
  if (totalTokens > budget.total) {
    findings.push({ severity: 'error', message: `total: ${totalTokens} tokens, budget ${budget.total}` });
  }
  // Errors first, each group in the order found.
  const sorted = [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')];
  return {
    valid: !sorted.some((f) => f.severity === 'error'),
    totalTokens,
    totalBudget: budget.total,
    sections,
    findings: sorted,
  };
}

/** A warning for each item of section `name` written more than once (same text after `normalizeText`). */
function repeatedItems(scan: HandoffScan, name: string, findings: Finding[]): void {
  const key = sectionKey(name);
  const section = scan.byKey.get(key);
  if (!section) return;
  const counts = new Map<string, { text: string; n: number }>();
  for (const item of section.items) {
    const norm = normalizeText(item.text);
    const c = counts.get(norm);
    if (c) c.n++;
    else counts.set(norm, { text: item.text, n: 1 });
  }
  let heads: Map<string, number[]> | undefined;
  for (const [norm, { text, n }] of counts) {
    if (n < 2) continue;
    heads ??= itemHeads(scan, key);
    const lines = itemLines(heads, norm);
    const where = lines.length >= 2 ? ` (lines ${lines.join(', ')})` : '';
    findings.push({
      severity: 'warning',
      section: section.name,
      line: lines[1] ?? section.line,
      message: `${section.name}: "${text}" is listed ${n === 2 ? 'twice' : `${n} times`}${where}; keep one`,
    });
  }
}

/**
 * 1-based lines of the section's items whose first line reads as `norm` (or its start, for an
 * item continued on indented lines). For the message only: the parse decides what repeats.
 */
function itemLines(heads: Map<string, number[]>, norm: string): number[] {
  // A head matches when it is `norm` or a start of it ending at a space: look each one up.
  const out = [...(heads.get(norm) ?? [])];
  for (let at = norm.indexOf(' '); at > 0; at = norm.indexOf(' ', at + 1)) out.push(...(heads.get(norm.slice(0, at)) ?? []));
  return out.sort((a, b) => a - b);
}

/** The section's item lines by their normalised first line, read once per section (not once per repeat). */
function itemHeads(scan: HandoffScan, key: string): Map<string, number[]> {
  const heads = new Map<string, number[]>();
  for (const span of scan.spans) {
    if (span.key !== key) continue;
    for (let i = span.start + 1; i < span.end; i++) {
      const item = parseItemLine((scan.lines[i] as string).trim());
      if (!item || item === 'empty') continue;
      const head = normalizeText(splitAgentSuffix(item.text).text);
      if (head === '') continue;
      const list = heads.get(head);
      if (list) list.push(i + 1);
      else heads.set(head, [i + 1]);
    }
  }
  return heads;
}

function checkSection(s: Seen, limit: number, findings: Finding[]): void {
  if (s.blocks > 1) {
    findings.push({
      severity: 'warning',
      section: s.name,
      line: s.line,
      message: `section "${s.name}" appears ${s.blocks} times; its blocks are counted together`,
    });
  }
  if (s.tokens > limit) {
    findings.push({ severity: 'error', section: s.name, line: s.line, message: `${s.name}: ${s.tokens} tokens, budget ${limit}` });
  }
}

/**
 * Known sections not in template order: those outside a longest in-order run, each with the
 * section it should follow (or precede, when it should come first).
 */
function orderProblems(present: string[]): Map<string, string> {
  const rank = present.map((n) => (SECTION_NAMES as readonly string[]).indexOf(n));
  const keep = longestIncreasing(rank);
  const problems = new Map<string, string>();
  present.forEach((name, i) => {
    if (keep.has(i)) return;
    const r = rank[i] as number;
    const before = rank.filter((x) => x < r);
    const after = rank.filter((x) => x > r);
    const where = before.length
      ? `expected after "${SECTION_NAMES[Math.max(...before)]}"`
      : `expected before "${SECTION_NAMES[Math.min(...after)]}"`;
    problems.set(name, `section "${name}" is out of order (${where})`);
  });
  return problems;
}

/** Indices of one longest strictly increasing subsequence (n ≤ 6, so the quadratic form is fine). */
function longestIncreasing(xs: number[]): Set<number> {
  const len = xs.map(() => 1);
  const prev = xs.map(() => -1);
  for (let i = 0; i < xs.length; i++) {
    for (let j = 0; j < i; j++) {
      // `>=`: on a tie keep the later section, so the one moved too early is the one reported.
      if ((xs[j] as number) < (xs[i] as number) && (len[j] as number) + 1 >= (len[i] as number)) {
        len[i] = (len[j] as number) + 1;
        prev[i] = j;
      }
    }
  }
  let best = -1;
  for (let i = 0; i < xs.length; i++) if (best < 0 || (len[i] as number) > (len[best] as number)) best = i;
  const keep = new Set<number>();
  for (let i = best; i >= 0; i = prev[i] as number) keep.add(i);
  return keep;
}
