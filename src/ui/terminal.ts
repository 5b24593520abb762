/**
 * The user's terminal while the TUI runs: alternate screen, hidden cursor, raw input; and the
 * way back, which is idempotent so every exit path (quit, signal, crash) can call it.
 */

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
// Bracketed paste off (it is on while attached), styles reset, cursor shown, main screen back.
const LEAVE = '\x1b[?2004l\x1b[0m\x1b[?25h\x1b[?1049l';

/** Puts the terminal into the TUI's mode and back. */
export class TerminalMode {
  private active = false;

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    private readonly stdout: NodeJS.WriteStream,
  ) {}

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.stdout.write(ENTER);
    if (this.stdin.isTTY) this.stdin.setRawMode(true);
    this.stdin.setEncoding('utf8');
    this.stdin.resume();
  }

  leave(): void {
    if (!this.active) return;
    this.active = false;
    try {
      if (this.stdin.isTTY) this.stdin.setRawMode(false);
      this.stdin.pause();
      this.stdout.write(LEAVE);
    } catch {
      // the terminal is gone (hang-up): nothing left to restore
    }
  }
}
