import dashboard from '../grafana/subtrack-dashboard.json';
import { Metrics } from './metrics';

/** The metrics a query selects (the dashboard writes each one with a `{…}` selector). */
const selected = (expr: string): string[] =>
  [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map((m) => m[1]!);

describe('the Grafana dashboard', () => {
  it('uses only metrics the services export', () => {
    const registry = new Metrics().registry;
    const perPanel = dashboard.panels.map((p) => p.targets.flatMap((t) => selected(t.expr)));
    expect(perPanel.filter((names) => names.length === 0)).toEqual([]);
    const used = [...new Set(perPanel.flat())];
    // A histogram's series carry suffixes; the registry knows the histogram by its own name.
    const missing = used.filter(
      (name) => !registry.getSingleMetric(name.replace(/_(bucket|count|sum)$/, '')),
    );
    expect(missing).toEqual([]);
  });
});
