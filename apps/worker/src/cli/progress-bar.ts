/** The stream a progress bar draws on: stderr, or a test double. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

/**
 * Draws corpus progress on stderr. On a terminal it redraws one line in place at most every
 * 100 ms. On a file or pipe it prints a line at every 10%, so logs stay short.
 */
export class ProgressBar {
  private lastDraw = 0;
  private lastDecile = -1;
  private lastPrintedLines = -1;
  private readonly started = performance.now();

  constructor(
    private readonly stream: ProgressStream,
    private readonly totalBytes: number,
  ) {}

  /** Reports `bytes` read and `lines` finished so far; redraws when due. */
  update(bytes: number, lines: number): void {
    const fraction = this.totalBytes > 0 ? Math.min(1, bytes / this.totalBytes) : 0;
    if (this.stream.isTTY) {
      const now = performance.now();
      if (now - this.lastDraw < REDRAW_MS) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.render(fraction, lines)}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile > this.lastDecile) {
      this.lastDecile = decile;
      this.lastPrintedLines = lines;
      this.stream.write(`${this.render(fraction, lines)}\n`);
    }
  }

  /** Draws the final state and ends the line (off a terminal, only if it changed since the last line). */
  finish(lines: number): void {
    const text = this.render(1, lines);
    if (this.stream.isTTY) {
      this.stream.write(`\r${text}\n`);
    } else if (lines !== this.lastPrintedLines) {
      this.stream.write(`${text}\n`);
    }
  }

  private render(fraction: number, lines: number): string {
    const filled = Math.round(fraction * BAR_WIDTH);
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? lines / seconds : 0;
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${percent}  ${lines} lines  ${rate.toFixed(1)} lines/s`;
  }
}
