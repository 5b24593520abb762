/**
 * The TUI's diff view and landing effects (`d`, `m`), beside the controller: loads the diff and
 * the landing plan from the core (src/land/) into the store, and lands after the dialog's y,
 * then syncs so that running agents hear that base moved.
 */
import { LandingService, type Landing } from '../land/service.js';
import { isLive, selectedAgent } from './state/reducer.js';
import type { Store } from './state/store.js';
import type { LandDialogState, MessageLevel } from './state/types.js';
import type { TuiSupervisor } from './types.js';

export type LandingFactory = (sup: TuiSupervisor) => Landing;

export const defaultLanding: LandingFactory = (sup) => new LandingService(sup.config);

export interface LandingDeps {
  store: Store;
  supervisor(): TuiSupervisor | undefined;
  message(text: string, level?: MessageLevel): void;
  factory?: LandingFactory;
}

export class LandingActions {
  private service?: Landing;

  constructor(private readonly deps: LandingDeps) {}

  private landing(): Landing | undefined {
    const sup = this.deps.supervisor();
    if (!sup) return undefined;
    this.service ??= (this.deps.factory ?? defaultLanding)(sup);
    return this.service;
  }

  /** `d`: open (or, on the same agent, close) the diff view of the selected agent. */
  toggleDiff(): void {
    const state = this.deps.store.getState();
    const agent = selectedAgent(state);
    if (state.diff && state.diff.agent === agent?.name) return this.deps.store.dispatch({ type: 'closeDiff' });
    this.openDiff();
  }

  /** The diff view of the selected agent, loaded afresh. */
  openDiff(): void {
    const { dispatch } = this.deps.store;
    const agent = selectedAgent(this.deps.store.getState())?.name;
    if (!agent) return;
    dispatch({ type: 'openDiff', agent });
    const landing = this.landing();
    if (!landing) return dispatch({ type: 'diffFailed', agent, error: 'the agents are still starting' });
    landing.diff(agent).then(
      (data) => dispatch({ type: 'diffLoaded', agent, data }),
      (err: unknown) => dispatch({ type: 'diffFailed', agent, error: errorText(err) }),
    );
  }

  /** `m`: the dialog, with the plan once it is checked. */
  askLand(): void {
    const { dispatch } = this.deps.store;
    const selected = selectedAgent(this.deps.store.getState());
    if (!selected) return;
    const agent = selected.name;
    // An agent that has ended may have left work uncommitted: the dialog says y commits it first.
    // A running one is never committed under its feet.
    const commit = !isLive(selected);
    const landing = this.landing();
    if (!landing) return this.deps.message('the agents are still starting');
    dispatch({ type: 'askLand', agent });
    landing.plan(agent, { commit }).then(
      (plan) => dispatch({ type: 'landPlanned', agent, plan }),
      (err: unknown) => dispatch({ type: 'landPlanned', agent, error: errorText(err) }),
    );
  }

  /** The dialog's plan is checked and allows the landing. */
  static canLand(dialog: LandDialogState): boolean {
    return Boolean(dialog.plan && dialog.plan.problems.length === 0 && !dialog.plan.nothing);
  }

  /** y in the dialog: land when the plan says it can, then sync. */
  confirm(dialog: LandDialogState): void {
    const { message } = this.deps;
    const landing = this.landing();
    if (!LandingActions.canLand(dialog) || !landing) return;
    message(`landing ${dialog.agent}…`);
    landing.land(dialog.agent, { commit: dialog.plan!.commitFirst }).then(
      async (r) => {
        const what = `landed ${dialog.agent} into ${r.plan.base}${r.commit ? ` as ${r.commit.slice(0, 7)}` : ''}`;
        message(`${what}; syncing…`);
        try {
          await this.deps.supervisor()?.sync();
          message(`${what}; agents synced`);
        } catch (err) {
          message(`${what}; sync failed: ${errorText(err)}`, 'error');
        }
      },
      (err: unknown) => message(errorText(err), 'error'),
    );
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
