/** Driving a program in a real terminal: a tmux server of our own, keys in, screen out. */
import { execFileSync } from 'node:child_process';
import { waitFor } from './wait.js';

/** Undefined when tmux runs here, else why the terminal tests cannot. */
export function tmuxMissing(): string | undefined {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'tmux is not installed';
  }
}

/** One tmux server on its own socket, so nothing else's sessions are touched. */
export class Tmux {
  readonly socket: string;
  readonly session = 'tui';

  constructor(
    name: string,
    private readonly size: { cols: number; rows: number },
  ) {
    this.socket = `${name}-${process.pid}-${Date.now()}`;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Runs `sh script` in a new session of the given size. */
  start(cwd: string, script: string): void {
    this.tmux('new-session', '-d', '-s', this.session, '-x', String(this.size.cols), '-y', String(this.size.rows), '-c', cwd, `sh ${script}`);
  }

  /** Keys by tmux name (`Enter`, `C-]`, `q`). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.session, ...keys);
  }

  /** Text typed literally. */
  type(text: string): void {
    this.tmux('send-keys', '-t', this.session, '-l', text);
  }

  /** Pastes `text` the way a terminal does: wrapped in bracketed-paste markers when the app asked for them. */
  paste(text: string): void {
    this.tmux('set-buffer', '-b', 'e2e', text);
    this.tmux('paste-buffer', '-p', '-d', '-b', 'e2e', '-t', this.session);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.session);
  }

  /** Resolves with the screen once `test` accepts it. */
  async until(test: (screen: string) => boolean, what: string, timeout = 15_000): Promise<string> {
    let last = '';
    return waitFor(
      () => {
        last = this.screen();
        return test(last) ? last : undefined;
      },
      { timeout, interval: 50, message: () => `${what}; the screen was:\n${last}` },
    );
  }

  /** Ends the whole server (our socket only). */
  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
