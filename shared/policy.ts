/**
 * Policy: which rules apply to a call, and what they say. Deny beats ask beats allow, so a broad
 * allow can never override a narrower refusal; no rule at all means ask.
 */
import type { Rule, RuleAction } from './types';

export interface PolicyVerdict {
  action: RuleAction;
  /** The deciding rule; absent when nothing matched and the default (ask) applies. */
  rule?: Rule;
}

export function ruleMatches(rule: Rule, server: string, target: string): boolean {
  return rule.server === server && (rule.tool === '*' || rule.tool === target);
}

const PRECEDENCE: RuleAction[] = ['deny', 'ask', 'allow'];

export function evaluatePolicy(rules: readonly Rule[], server: string, target: string): PolicyVerdict {
  const matching = rules.filter((rule) => ruleMatches(rule, server, target));
  for (const action of PRECEDENCE) {
    const rule = matching.find((r) => r.action === action);
    if (rule) return { action, rule };
  }
  return { action: 'ask' };
}
