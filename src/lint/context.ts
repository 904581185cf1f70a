/** Builds the analyzer's context from a resolved configuration (settings, policy, protection, YAML positions). */
import type { ResolvedConfig } from '../config/config';
import { locateDeclaration } from '../config/config';
import type { LintContext, LintFacts } from '../core/lint/analyze';
import { DEFAULT_LINT_SETTINGS } from '../core/lint/codes';

export function lintContext(config: ResolvedConfig, facts?: LintFacts): LintContext {
  return {
    // A ResolvedConfig built by hand (library users) may predate these keys: they default to off.
    settings: config.lint ?? DEFAULT_LINT_SETTINGS,
    policy: { allowDestructive: config.policy.allowDestructive, allowDestructiveBelowRows: config.policy.allowDestructiveBelowRows ?? null },
    protect: config.protect ?? [],
    ...(facts ? { facts } : {}),
    ...(config.locations ? { locate: (table?: string, property?: string, kind?: 'node' | 'rel') => locateDeclaration(config.locations, table, property, kind) } : {}),
  };
}
