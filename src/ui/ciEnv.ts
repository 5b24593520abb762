/**
 * Ink draws nothing at all when it believes it runs under CI (is-in-ci reads CI and
 * CONTINUOUS_INTEGRATION once, when Ink is first loaded), yet `supervise` may well run in a real
 * terminal with CI=true. This module is imported before Ink: it hides those variables while Ink
 * loads, and `restoreCiEnv` puts them back so the agents still get the environment they were given.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

// The values hidden at load time, for restoreCiEnv (this module runs once, before Ink's).
const hidden: Partial<Record<(typeof CI_VARIABLES)[number], string>> = {};
for (const name of CI_VARIABLES) {
  const value = process.env[name];
  if (value !== undefined) {
    hidden[name] = value;
    delete process.env[name];
  }
}

/** Puts back the CI variables hidden while Ink loaded (Ink has read them by now). */
export function restoreCiEnv(): void {
  for (const name of CI_VARIABLES) {
    const value = hidden[name];
    if (value !== undefined && process.env[name] === undefined) process.env[name] = value;
  }
}
