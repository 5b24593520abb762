/**
 * The chain step machine (SPEC §6), pure: which step runs, in which review round, and where a
 * step's outcome leads. The runner feeds it outcomes and does what it answers.
 *
 * A chain is its configured steps in order (`spec build review commit deploy`). A review step,
 * one whose skill routes `{ pass, fix }`, reads the verdict the agent wrote: pass goes on to the
 * next configured step, fix runs the fix skill and then the review again in the next round.
 */

export type Verdict = { pass: true } | { pass: false; fix: string };

/** How one step's session ended, as the runner saw it at capture. */
export type StepOutcome =
  | { ok: true; verdict?: Verdict }
  /** Handoff not updated, invalid, a non-zero exit, a review without a verdict. */
  | { ok: false; reason: string };

export interface ChainState {
  /** The configured steps, in order. */
  steps: string[];
  /** For each review step, the skill its fix verdict routes to. */
  fixes: Record<string, string>;
  /** Position in `steps`; `steps.length` once the chain has finished. */
  index: number;
  /** The skill running or about to run: `steps[index]`, or a fix step routed to. */
  current: string;
  /** Review round, from 1. */
  round: number;
  /** The review's last fix request, while a fix is open. */
  openFix?: string;
  /** Why the chain stopped (incomplete step, rounds used up); the step stays `current`. */
  stopped?: string;
  finished: boolean;
}

export type Action =
  | { type: 'start'; step: string; round: number }
  | { type: 'finished' }
  | { type: 'stopped'; step: string; reason: string };

export function newChain(steps: string[], fixes: Record<string, string> = {}): ChainState {
  return { steps: [...steps], fixes: { ...fixes }, index: 0, current: steps[0] ?? '', round: 1, finished: steps.length === 0 };
}

/** Whether `step` routes on a review verdict. */
export function isReview(chain: ChainState, step: string): boolean {
  return step in chain.fixes;
}

/** What to do now: the current step (again, after a retry), or nothing more. */
export function currentAction(chain: ChainState): Action {
  if (chain.finished) return { type: 'finished' };
  if (chain.stopped) return { type: 'stopped', step: chain.current, reason: chain.stopped };
  return { type: 'start', step: chain.current, round: chain.round };
}

/** The chain after the current step ended with `outcome`, and what to do next. */
export function advance(chain: ChainState, outcome: StepOutcome, rounds: number): { chain: ChainState; action: Action } {
  if (chain.finished || chain.stopped) return { chain, action: currentAction(chain) };
  const step = chain.current;
  if (!outcome.ok) return stop(chain, outcome.reason);
  if (isReview(chain, step)) {
    if (!outcome.verdict) return stop(chain, 'review wrote no verdict (- Verdict: pass, or - Verdict: fix - <what>)');
    if (!outcome.verdict.pass) {
      if (chain.round >= rounds) {
        const next = { ...chain, openFix: outcome.verdict.fix };
        return stop(next, `review asked for fixes ${rounds} time${rounds === 1 ? '' : 's'}; open: ${outcome.verdict.fix}`);
      }
      const next = { ...chain, current: chain.fixes[step]!, openFix: outcome.verdict.fix };
      return { chain: next, action: { type: 'start', step: next.current, round: next.round } };
    }
    return moveOn({ ...chain, openFix: undefined });
  }
  // A fix step ran: back to the review it answers, one round on.
  const review = chain.steps[chain.index];
  if (review !== undefined && review !== step && isReview(chain, review) && chain.fixes[review] === step) {
    const next = { ...chain, current: review, round: chain.round + 1 };
    return { chain: next, action: { type: 'start', step: review, round: next.round } };
  }
  return moveOn(chain);
}

/** Clears a stop so that `r` runs the stopped step again. */
export function retry(chain: ChainState): ChainState {
  return chain.stopped ? { ...chain, stopped: undefined } : chain;
}

/** Leaves out `step` (a deploy without a command) when it comes next: the chain goes on or ends. */
export function skipTo(chain: ChainState, skip: (step: string) => boolean): ChainState {
  let next = chain;
  while (!next.finished && !next.stopped && next.current === next.steps[next.index] && skip(next.current)) next = moveOn(next).chain;
  return next;
}

function moveOn(chain: ChainState): { chain: ChainState; action: Action } {
  const index = chain.index + 1;
  if (index >= chain.steps.length) return { chain: { ...chain, index, current: '', finished: true }, action: { type: 'finished' } };
  const next = { ...chain, index, current: chain.steps[index]! };
  return { chain: next, action: { type: 'start', step: next.current, round: next.round } };
}

function stop(chain: ChainState, reason: string): { chain: ChainState; action: Action } {
  const next = { ...chain, stopped: reason };
  return { chain: next, action: { type: 'stopped', step: chain.current, reason } };
}

/** The review's verdict from a handoff's Current State lines, or undefined when it wrote none. */
export function parseVerdict(currentState: readonly string[]): Verdict | undefined {
  let verdict: Verdict | undefined;
  for (const line of currentState) {
    const m = /^\s*(?:[-*+]\s+)?verdict\s*:\s*(pass|fix)\b\s*(?:[-–—:]\s*)?(.*)$/i.exec(line);
    if (!m) continue;
    verdict = m[1]!.toLowerCase() === 'pass' ? { pass: true } : { pass: false, fix: m[2]!.trim() || '(no detail given)' };
  }
  return verdict;
}

export type StepMark = 'done' | 'running' | 'pending' | 'stopped';

export interface StepView {
  name: string;
  mark: StepMark;
  /** The review round, shown from round 2 on. */
  round?: number;
}

/** The steps as the sidebar draws them: each configured step, a review's fix right after it. */
export function chainView(chain: ChainState): StepView[] {
  const out: StepView[] = [];
  chain.steps.forEach((name, i) => {
    const here = !chain.finished && i === chain.index;
    const onFix = here && chain.current !== name;
    const mark: StepMark = i < chain.index || chain.finished ? 'done' : here && !onFix ? (chain.stopped ? 'stopped' : 'running') : 'pending';
    out.push({ name, mark: here && onFix ? 'done' : mark, ...(here && !onFix && name in chain.fixes && chain.round > 1 ? { round: chain.round } : {}) });
    const fix = chain.fixes[name];
    if (fix === undefined) return;
    const fixMark: StepMark = onFix ? (chain.stopped ? 'stopped' : 'running') : (i < chain.index || chain.finished) && chain.round > 1 ? 'done' : 'pending';
    out.push({ name: fix, mark: fixMark, ...(onFix && chain.round > 1 ? { round: chain.round } : {}) });
  });
  return out;
}

const MARKS: Record<StepMark, string> = { done: '✓', running: '●', pending: '·', stopped: '✗' };

/** `spec ✓ build ✓ review ●2 fix · commit ·` */
export function chainLine(steps: readonly StepView[]): string {
  return steps.map((s) => `${s.name} ${MARKS[s.mark]}${s.round ? s.round : ''}`).join(' ');
}
