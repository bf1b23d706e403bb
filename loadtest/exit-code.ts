/**
 * The exit code of `v2x loadtest`, as a pure function of how the run ended:
 *   0  every threshold held (a ramp-to-break run: at least one level held)
 *   99 a threshold failed, or the run was aborted by an abortOnFail threshold
 *       (ramp-to-break: even the first level failed)
 *   2  the scenario (or a threshold in it) is invalid; nothing ran
 *   1  the run itself failed (broker unreachable, a crash): no verdict
 */

export const EXIT_OK = 0;
export const EXIT_RUNTIME_ERROR = 1;
export const EXIT_BAD_SCENARIO = 2;
export const EXIT_THRESHOLDS_FAILED = 99;

export type RunOutcome =
  | { readonly kind: 'invalid-scenario' }
  | { readonly kind: 'error' }
  | { readonly kind: 'completed'; readonly thresholds: readonly { readonly pass: boolean }[]; readonly aborted?: boolean }
  | { readonly kind: 'ramp-to-break'; readonly lastHeld: number | null };

export function exitCodeOf(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case 'invalid-scenario':
      return EXIT_BAD_SCENARIO;
    case 'error':
      return EXIT_RUNTIME_ERROR;
    case 'ramp-to-break':
      return outcome.lastHeld === null ? EXIT_THRESHOLDS_FAILED : EXIT_OK;
    case 'completed':
      return outcome.aborted === true || outcome.thresholds.some((t) => !t.pass) ? EXIT_THRESHOLDS_FAILED : EXIT_OK;
  }
}

/** Several runs (a comparison): the worst code wins, in the order 2 > 1 > 99 > 0. */
export function combineExitCodes(codes: readonly number[]): number {
  const rank = (c: number): number => (c === EXIT_BAD_SCENARIO ? 3 : c === EXIT_RUNTIME_ERROR ? 2 : c === EXIT_THRESHOLDS_FAILED ? 1 : 0);
  return codes.reduce((worst, c) => (rank(c) > rank(worst) ? c : worst), EXIT_OK);
}
