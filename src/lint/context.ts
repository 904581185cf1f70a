/** Builds the analyzer's context from a resolved configuration (settings, policy, protection, YAML positions). */
import type { ResolvedConfig } from '../config/config';
import { locateDeclaration } from '../config/config';
import type { LintContext, LintFacts } from '../core/lint/analyze';

export function lintContext(config: ResolvedConfig, facts?: LintFacts): LintContext {
  return {
    settings: config.lint,
    policy: { allowDestructive: config.policy.allowDestructive, allowDestructiveBelowRows: config.policy.allowDestructiveBelowRows },
    protect: config.protect,
    ...(facts ? { facts } : {}),
    locate: (table, property) => locateDeclaration(config.locations, table, property),
  };
}
