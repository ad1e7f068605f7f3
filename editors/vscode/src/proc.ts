// One child process of the `spell` CLI with a bounded output, an optional wall-clock timeout that
// kills it, and cancellation. Never throws: a binary that cannot start comes back as `error`.
import { spawn } from 'child_process';

export interface ProcOptions {
  cwd?: string;
  /** Written to the child's stdin, which is then closed (stdin is closed empty otherwise). */
  input?: string;
  /** Kills the child (SIGKILL) after this many milliseconds; 0 or undefined: no limit. */
  timeoutMs?: number;
  /** Bytes of stdout kept (default 64 MiB); the rest is dropped and `truncated` set. */
  maxOutput?: number;
  /** Called with a function that kills the child (for cancellation). */
  onStart?: (kill: () => void) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ProcResult {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The timeout killed the child. */
  timedOut: boolean;
  /** The child was killed through onStart's function. */
  cancelled: boolean;
  /** The spawn error (ENOENT, EACCES …) when the binary could not start. */
  error?: NodeJS.ErrnoException;
  truncated: boolean;
}

export function runProcess(command: string, args: string[], opts: ProcOptions = {}): Promise<ProcResult> {
  const maxOutput = opts.maxOutput ?? 64 << 20;
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    let cancelled = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(command, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (e) {
      resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut, cancelled, error: e as NodeJS.ErrnoException, truncated });
      return;
    }

    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
        cancelled,
        error: spawnError,
        truncated,
      });
    };
    const kill = (): void => {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };

    child.stdout?.on('data', (b: Buffer) => {
      if (outBytes + b.length > maxOutput) {
        truncated = true;
        b = b.subarray(0, Math.max(0, maxOutput - outBytes));
      }
      outBytes += b.length;
      if (b.length) out.push(b);
    });
    child.stderr?.on('data', (b: Buffer) => {
      if (errBytes < 1 << 20) {
        errBytes += b.length;
        err.push(b);
      }
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
      finish(null, null);
    });
    child.on('close', (code, signal) => finish(code, signal));
    // A child that exits before reading its input breaks the pipe: not an error here.
    child.stdin?.on('error', () => undefined);
    if (opts.input !== undefined) {
      child.stdin?.end(opts.input);
    } else {
      child.stdin?.end();
    }
    if (opts.timeoutMs && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, opts.timeoutMs);
    }
    opts.onStart?.(() => {
      cancelled = true;
      kill();
    });
  });
}
