import { describe, expect, it } from 'vitest';
import { advance, chainLine, chainView, currentAction, newChain, parseVerdict, retry, skipTo, type ChainState, type StepOutcome } from './machine.js';

const STEPS = ['spec', 'build', 'review', 'commit'];
const ok: StepOutcome = { ok: true };
const pass: StepOutcome = { ok: true, verdict: { pass: true } };
const fix = (what: string): StepOutcome => ({ ok: true, verdict: { pass: false, fix: what } });

function run(chain: ChainState, outcomes: StepOutcome[], rounds = 3): { chain: ChainState; started: string[] } {
  const started: string[] = [];
  for (const o of outcomes) {
    const r = advance(chain, o, rounds);
    chain = r.chain;
    if (r.action.type === 'start') started.push(`${r.action.step}@${r.action.round}`);
  }
  return { chain, started };
}

describe('the chain step machine', () => {
  it('runs the steps in order and finishes after the last', () => {
    const { chain, started } = run(newChain(STEPS, { review: 'fix' }), [ok, ok, pass, ok]);
    expect(started).toEqual(['build@1', 'review@1', 'commit@1']);
    expect(chain.finished).toBe(true);
    expect(currentAction(chain)).toEqual({ type: 'finished' });
  });

  it('routes a fix verdict to fix and back to review one round on', () => {
    const { chain, started } = run(newChain(STEPS, { review: 'fix' }), [ok, ok, fix('name the error'), ok, pass]);
    expect(started).toEqual(['build@1', 'review@1', 'fix@1', 'review@2', 'commit@2']);
    expect(chain.current).toBe('commit');
    expect(chain.openFix).toBeUndefined();
  });

  it('stops after the configured rounds with the open fix named', () => {
    const { chain } = run(newChain(['build', 'review', 'commit'], { review: 'fix' }), [ok, fix('a'), ok, fix('b')], 2);
    expect(chain.stopped).toBe('review asked for fixes 2 times; open: b');
    expect(chain.current).toBe('review');
    expect(currentAction(chain)).toEqual({ type: 'stopped', step: 'review', reason: chain.stopped });
  });

  it('stops at a review without a verdict, and at an incomplete step, until retried', () => {
    const noVerdict = run(newChain(['review', 'commit'], { review: 'fix' }), [ok]).chain;
    expect(noVerdict.stopped).toMatch(/no verdict/);
    const incomplete = advance(newChain(STEPS), { ok: false, reason: 'handoff not updated' }, 3);
    expect(incomplete.action).toEqual({ type: 'stopped', step: 'spec', reason: 'handoff not updated' });
    // Nothing moves while stopped; a retry runs the same step again.
    expect(advance(incomplete.chain, ok, 3).chain.current).toBe('spec');
    expect(currentAction(retry(incomplete.chain))).toEqual({ type: 'start', step: 'spec', round: 1 });
  });

  it('leaves out a step that cannot run, ending the chain when it was the last', () => {
    const at = run(newChain(['commit', 'deploy']), [ok]).chain;
    expect(at.current).toBe('deploy');
    expect(skipTo(at, (s) => s === 'deploy').finished).toBe(true);
  });

  it('reads the verdict from Current State', () => {
    expect(parseVerdict(['- Branch: x', '- Verdict: pass'])).toEqual({ pass: true });
    expect(parseVerdict(['- Verdict: fix - handle the empty list'])).toEqual({ pass: false, fix: 'handle the empty list' });
    expect(parseVerdict(['Verdict: FIX: rename it'])).toEqual({ pass: false, fix: 'rename it' });
    expect(parseVerdict(['- Status: done'])).toBeUndefined();
  });

  it('draws the chain as the sidebar shows it', () => {
    const { chain } = run(newChain(STEPS, { review: 'fix' }), [ok, ok, fix('x'), ok]);
    expect(chainLine(chainView(chain))).toBe('spec ✓ build ✓ review ●2 fix · commit ·');
    const onFix = run(newChain(STEPS, { review: 'fix' }), [ok, ok, fix('x')]).chain;
    expect(chainLine(chainView(onFix))).toBe('spec ✓ build ✓ review ✓ fix ● commit ·');
    const done = run(newChain(STEPS, { review: 'fix' }), [ok, ok, fix('x'), ok, pass, ok]).chain;
    expect(chainLine(chainView(done))).toBe('spec ✓ build ✓ review ✓ fix ✓ commit ✓');
    const stopped = advance(newChain(STEPS, { review: 'fix' }), { ok: false, reason: 'x' }, 3).chain;
    expect(chainLine(chainView(stopped))).toBe('spec ✗ build · review · fix · commit ·');
  });
});
