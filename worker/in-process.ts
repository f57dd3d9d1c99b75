/**
 * Workflows run in this process's own thread, as the SDK's debug mode runs them: how the audit's replays and the
 * simulation's worker run theirs. The workflow code and its sandbox (one reusable V8 context) are the same as a
 * production worker's; what the SDK adds around them for a long-lived worker is not, because here it would only cost:
 *
 * - Node gives every call into the sandbox that has a timeout a watchdog thread of its own (a new event loop and
 *   thread, joined when the call returns: nodejs/node#47739 is the unmerged fix). The SDK makes four or more such calls
 *   per activation. Debug mode asks for a timeout of 49 days, i.e. none; those calls run without a watchdog here.
 * - The SDK installs a V8 promise hook that captures and source-maps a stack trace for every promise a workflow
 *   creates, so that the `__stack_trace` query (the Temporal UI's stack trace tab) can answer. Neither a replay nor a
 *   simulation on a private time-skipping server is ever asked; the hook is stopped.
 *
 * Profiled in the simulated Ezhou year (2026-11-23), the workflow thread was its bottleneck, busy 42 of 55 s: the
 * watchdogs 21 % of that and the promise hook about 30 %. A production worker (worker/main.ts) keeps both: its
 * deadlock detection is the 5-second timeout, and operators use the stack trace query.
 *
 * What is lost here: a workflow task stuck in a loop is not stopped after 5 seconds; it holds the process.
 */
import vm from 'node:vm';

/** The timeout debug mode asks for on every call into the sandbox: 2^32 − 1 ms, 49 days. */
const DEBUG_MODE_TIMEOUT_MS = 4294967295;

let watchdogSkipped = false;

/**
 * Calls into a sandbox with exactly debug mode's "no timeout" run without one, which is what they mean; every other
 * call (a production worker's 5-second deadlock timeout in its own threads, anyone else's vm use) is left as it is.
 * Installed once per process, before the worker is created.
 */
export function skipDebugModeWatchdog(): void {
  if (watchdogSkipped) return;
  watchdogSkipped = true;
  const original = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (
    this: vm.Script,
    context: vm.Context,
    options?: vm.RunningScriptOptions,
  ) {
    if (options?.timeout === DEBUG_MODE_TIMEOUT_MS) {
      const untimed = { ...options };
      delete untimed.timeout;
      return original.call(this, context, untimed);
    }
    return original.call(this, context, options);
  } as typeof original;
}

/**
 * Stops the SDK's stack-trace promise hook in this thread, once a worker in debug mode has installed it (at its
 * creation). A production worker's threads have hooks of their own, untouched, even in the same process (tests).
 */
export function stopStackTraceHook(): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { globalHandlers } = require('@temporalio/worker/lib/workflow/vm-shared') as {
      globalHandlers: { promiseHookInstalled: boolean; stopPromiseHook: () => void };
    };
    if (globalHandlers.promiseHookInstalled) globalHandlers.stopPromiseHook();
  } catch {
    // Another SDK layout: the workflows keep the hook, and are slower.
  }
}
