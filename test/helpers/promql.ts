/**
 * Turning the dashboard's panel queries and the alert rules into queries a test can run against
 * Prometheus and expect data from.
 */
import { readFileSync } from 'node:fs';
import { DASHBOARD_FILE } from './monitoring-files.js';

export interface NamedQuery {
  name: string;
  query: string;
}

interface Panel {
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

export interface Variable {
  name: string;
  type: string;
  query?: string | { query: string };
  multi?: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

export function readDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every target of every panel, named "panel title / refId". */
export function panelQueries(dashboard: Dashboard): NamedQuery[] {
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ name: `${panel.title} / ${target.refId}`, query: target.expr })));
}

/** Grafana's label_values(selector, label): the only variable query the dashboard uses. */
export function labelValuesQuery(variable: Variable): { selector: string; label: string } {
  const text = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
  const match = /^label_values\((.+),\s*(\w+)\)$/.exec(text.trim());
  if (!match) throw new Error(`variable ${variable.name}: ${JSON.stringify(text)} is not label_values(selector, label)`);
  return { selector: match[1]!, label: match[2]! };
}

/** A regex alternative of values, as a PromQL string body (Grafana's multi-value formatting). */
export function regexOf(values: readonly string[]): string {
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\\\$&')).join('|');
}

/** Replaces $name and ${name} by values; throws on a variable left over, so a new one gets handled. */
export function substitute(query: string, values: Record<string, string>): string {
  return query.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    if (!(name in values)) throw new Error(`no value for $${name} in ${query}`);
    return values[name]!;
  });
}

/**
 * The expression with every comparison made a `bool` comparison: `a > 3 * b and c > 1` becomes
 * `a > bool 3 * b and c > bool 1`, which returns 0 or 1 for every series where the operands have
 * data and their labels match, instead of nothing while the threshold is not crossed. So a test
 * can check an alert's inputs on a healthy system, where the alert itself is (rightly) silent.
 * Label matchers ({job!="x"}) and strings are left alone.
 */
export function withBoolComparisons(expr: string): string {
  let out = '';
  let braces = 0;
  let quote: string | null = null;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (quote !== null) {
      out += c;
      if (c === '\\') out += expr[++i] ?? '';
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') braces++;
    else if (c === '}') braces--;
    const operator = braces === 0 && quote === null ? /^(==|!=|>=|<=|>|<)/.exec(expr.slice(i))?.[0] : undefined;
    if (operator) {
      out += operator;
      i += operator.length - 1;
      if (!/^\s*bool\b/.test(expr.slice(i + 1))) out += ' bool';
      continue;
    }
    out += c;
  }
  return out;
}
