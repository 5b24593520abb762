/**
 * Contradictions between agents' items (SPEC §3 Merge): "same subject, one negated".
 *
 * A negation cue (against, not, no, never, avoid, don't, won't, rejected, instead of) opens a
 * window that runs to the end of its clause; the content words in it are what the item rules
 * out. Another agent's item contradicts it when it mentions the first of those words without
 * negating it, and shares at least two of them (or all, when there are fewer): "Use redis for
 * sessions" contradicts "Decided AGAINST redis for sessions (overkill)", while "Use redis for
 * caching" does not. It is a heuristic that errs towards flagging: a flag costs a reader one
 * line, a missed contradiction costs an agent a day.
 */

const CUES = new Set(['against', 'not', 'no', 'never', 'avoid', 'avoided', 'avoiding', "don't", 'dont', "won't", 'rejected', 'reject']);
/** "Tests run against a real database" tests against it; it does not rule it out. */
const NOT_A_CUE_AFTER = new Set(['run', 'runs', 'ran', 'running', 'test', 'tests', 'tested', 'testing', 'check', 'checks', 'checked', 'validate', 'validates', 'validated', 'compare', 'compared', 'build', 'builds', 'built', 'match', 'matches', 'matched', 'protect', 'protects', 'protection', 'guard', 'guards', 'benchmark', 'benchmarked']);
const BREAKS = new Set(['because', 'since', 'but', 'so', 'as', 'instead', 'then', 'until', 'unless', 'while', 'which', 'except']);
const STOP = new Set([
  'a', 'an', 'the', 'for', 'of', 'to', 'in', 'on', 'at', 'by', 'via', 'with', 'from', 'and', 'or', 'into', 'onto',
  'use', 'uses', 'used', 'using', 'do', 'does', 'did', 'be', 'is', 'are', 'was', 'were', 'will', 'should', 'must',
  'we', 'i', 'it', 'its', 'this', 'that', 'these', 'those', 'decided', 'decide', 'decision', 'add', 'adding',
  'implement', 'implementing', 'go', 'going', 'any', 'yet', 'now', 'our', 'us', 'have', 'has', 'keep', 'against',
]);

export interface Polarity {
  /** Stemmed content words the item states positively. */
  positive: Set<string>;
  /** Each negated window's stemmed content words, in order (first word = the head). */
  negated: string[][];
}

function stem(word: string): string {
  const w = word.replace(/['’]/g, "'");
  return w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** Read an item's text into what it states and what it rules out. */
export function polarity(text: string): Polarity {
  const positive = new Set<string>();
  const negated: string[][] = [];
  for (const clause of text.toLowerCase().split(/[,;:.!?()[\]{}—–]|\s-\s/u)) {
    const words = clause.match(/[\p{L}\p{N}][\p{L}\p{N}'’_/-]*/gu) ?? [];
    let window: string[] | undefined;
    for (let i = 0; i < words.length; i++) {
      const w = (words[i] as string).replace(/’/g, "'");
      const isInsteadOf = w === 'instead' && words[i + 1] === 'of';
      const cue = (CUES.has(w) && !(w === 'against' && NOT_A_CUE_AFTER.has(words[i - 1] ?? ''))) || isInsteadOf;
      if (cue) {
        if (window?.length) negated.push(window);
        window = [];
        if (isInsteadOf) i++;
        continue;
      }
      if (BREAKS.has(w)) {
        if (window?.length) negated.push(window);
        window = undefined;
        continue;
      }
      if (STOP.has(w) || w.length < 2) continue;
      const s = stem(w);
      if (window) {
        if (!window.includes(s)) window.push(s);
      } else positive.add(s);
    }
    if (window?.length) negated.push(window);
  }
  return { positive, negated };
}

/** The negated window of `neg` that `pos` states positively, if any. */
export function contradiction(neg: Polarity, pos: Polarity): string[] | undefined {
  for (const window of neg.negated) {
    const head = window[0] as string;
    if (!pos.positive.has(head)) continue;
    if (pos.negated.some((w) => w.includes(head))) continue;
    const shared = window.filter((w) => pos.positive.has(w)).length;
    if (shared >= Math.min(2, window.length)) return window;
  }
  return undefined;
}
