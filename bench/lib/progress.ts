/**
 * Progress on stderr while the bench runs: on a terminal one line rewritten every second, otherwise a line every
 * five seconds (CI logs stay short).
 */
const tty = process.stderr.isTTY === true;

export interface Ticker {
  stop(): void;
}

function line(text: string): void {
  if (tty) process.stderr.write(`\r\x1b[2K${text}`);
  else process.stderr.write(`${text}\n`);
}

export const progress = {
  /** A step that is not a load loop. */
  say(text: string): void {
    if (tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`[bench] ${text}\n`);
  },

  start(label: string, read: () => { done: number; errors: number; unit: string; total?: number }): Ticker {
    const t0 = Date.now();
    const show = (final: boolean): void => {
      const { done, errors, unit, total } = read();
      const s = (Date.now() - t0) / 1000;
      const rate = s > 0 ? done / s : 0;
      const text =
        `[bench] ${label}: ${done}${total !== undefined ? `/${total}` : ''} ${unit} in ${s.toFixed(1)} s ` +
        `(${rate.toFixed(1)}/s)${errors ? `, ${errors} errors` : ''}`;
      if (final) {
        if (tty) process.stderr.write('\r\x1b[2K');
        process.stderr.write(`${text}\n`);
      } else line(text);
    };
    const timer = setInterval(() => show(false), tty ? 1000 : 5000);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        show(true);
      },
    };
  },
};
