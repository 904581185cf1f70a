/** The destructive-change policy's verdict on a plan, as apply would judge it (for the Markdown plan). */
import { isAllowedByName as isAllowed } from '../core/lint/protection';
import { ResolvedConfig } from '../config/config';
import { PlanDocument } from '../core/plan';
import { PolicyVerdict } from '../core/render';

/** Destructive changes of `plan` that `config`'s policy (YAML and environment) does not allow. */
export function policyVerdict(plan: PlanDocument, config: ResolvedConfig): PolicyVerdict {
  const allow = config.policy.allowDestructive;
  const refused = plan.changes.filter((c) => c.destructive && !isAllowed(c, allow)).map((c) => (c.property ? `${c.table}.${c.property}` : c.table));
  return { refused: [...new Set(refused)], source: allow === false ? undefined : config.environment ? `the policy of environment ${config.environment}` : 'the YAML policy' };
}
