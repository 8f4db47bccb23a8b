// Turning registry-bench JSON into figures, ratios and a markdown table.

export function fmt(x) {
  if (x == null || !Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const fmtRatio = (r) => (r == null || !Number.isFinite(r) ? '—' : `${r.toFixed(2)}×`);

/**
 * Evaluates one figure for both servers. Returns { ...figure, values, ratio, targetText, verdict,
 * missBy } where ratio = Berth ÷ distribution and verdict is 'ok' | 'miss' | null (no target, or a
 * figure is missing).
 */
export function evaluate(fig, docs) {
  const values = {};
  const spread = {};
  for (const [server, doc] of Object.entries(docs)) {
    const v = valueOf(fig, doc);
    values[server] = v.median;
    if (v.n > 1) spread[server] = { n: v.n, min: v.min, max: v.max };
  }
  const b = values.berth ?? null;
  const d = values.distribution ?? null;
  const ratio = b != null && d != null && d !== 0 ? b / d : null;
  let targetText = '';
  let verdict = null;
  let missBy = '';
  if (fig.target === 'ratio') {
    targetText = fig.better === 'higher' ? '≥ 1.00×' : '≤ 1.00×';
    if (ratio != null) {
      const ok = fig.better === 'higher' ? ratio >= 1 : ratio <= 1;
      verdict = ok ? 'ok' : 'miss';
      if (!ok) {
        missBy =
          fig.better === 'higher'
            ? `${Math.round((1 - ratio) * 100)}% below`
            : `${Math.round((ratio - 1) * 100)}% higher`;
      }
    }
  } else if (fig.target && fig.target.maxMiB != null) {
    targetText = `Berth < ${fig.target.maxMiB} MiB`;
    if (b != null) {
      const ok = b < fig.target.maxMiB;
      verdict = ok ? 'ok' : 'miss';
      if (!ok) missBy = `${fmt(b - fig.target.maxMiB)} MiB over`;
    }
  }
  return {
    id: fig.id,
    label: fig.label,
    unit: fig.unit,
    better: fig.better,
    values,
    spread,
    ratio,
    targetText,
    verdict,
    missBy,
  };
}

/** A figure over every repeat of a registry-bench document: median, min, max. */
function valueOf(fig, doc) {
  const vals = [];
  for (const run of doc?.runs ?? []) {
    const v = fig.get({ ...doc, runs: [run] });
    if (v != null && Number.isFinite(v)) vals.push(v);
  }
  if (!vals.length) return { n: 0, median: null };
  vals.sort((x, y) => x - y);
  const mid =
    vals.length % 2 ? vals[(vals.length - 1) / 2] : (vals[vals.length / 2 - 1] + vals[vals.length / 2]) / 2;
  return { n: vals.length, median: mid, min: vals[0], max: vals[vals.length - 1] };
}

const cell = (e, server) => {
  const sp = e.spread?.[server];
  return sp ? `${fmt(e.values[server])} (${fmt(sp.min)}–${fmt(sp.max)})` : fmt(e.values[server]);
};

function resultCell(e) {
  if (e.verdict === 'ok') return 'ok';
  if (e.verdict === 'miss') return `**MISS** (${e.missBy})`;
  return e.targetText ? 'n/a' : '';
}

/** The main markdown table: every figure of every shape, both servers, ratio, target, result. */
export function markdownTable(shapeResults) {
  const rows = [
    '| Shape | Figure | distribution | Berth | Berth ÷ distribution | Target | Result |',
    '|---|---|--:|--:|--:|---|---|',
  ];
  for (const s of shapeResults) {
    for (const e of s.figures) {
      rows.push(
        `| ${s.id} | ${e.label} (${e.unit}) | ${cell(e, 'distribution')} | ${cell(e, 'berth')} | ` +
          `${fmtRatio(e.ratio)} | ${e.targetText} | ${resultCell(e)} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Resource figures (server CPU, CPU per unit of work, peak RSS, client CPU), informational. */
export function resourcesTable(shapeResults) {
  const rows = ['| Shape | Figure | distribution | Berth | Berth ÷ distribution |', '|---|---|--:|--:|--:|'];
  for (const s of shapeResults) {
    for (const e of s.resources) {
      rows.push(
        `| ${s.id} | ${e.label} (${e.unit}) | ${cell(e, 'distribution')} | ${cell(e, 'berth')} | ${fmtRatio(e.ratio)} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Per-run problems worth printing under the tables (errors, client-bound phases, restarts). */
export function runNotes(shapeResults) {
  const notes = [];
  for (const s of shapeResults) {
    for (const [server, run] of Object.entries(s.runs)) {
      const tag = `${s.id}/${server}`;
      for (const inv of run.invocations ?? []) {
        if (inv.error) notes.push(`${tag} repeat ${inv.repeat}: ${inv.error}`);
        if (inv.restarted)
          notes.push(`${tag} repeat ${inv.repeat}: the server had died before and was restarted`);
      }
      const doc = run.doc;
      if (!doc) continue;
      if (!doc.ok) {
        notes.push(
          `${tag}: ${doc.totals.errors} error(s), ${doc.totals.verification_failures} verification failure(s)` +
            firstErrors(doc),
        );
      }
      const noise = new Map();
      const client = new Map();
      for (const p of (doc.runs ?? []).flatMap((r) => r.phases)) {
        const other = (p.system?.other_core_pct ?? 0) - (p.postgres?.cpu_pct ?? 0);
        if (other >= 25) noise.set(p.scenario, Math.max(noise.get(p.scenario) ?? 0, other));
        if (p.client?.cpu_pct >= 90)
          client.set(p.scenario, Math.max(client.get(p.scenario) ?? 0, p.client.cpu_pct));
        if (p.target && !p.target.alive)
          notes.push(`${tag} ${p.scenario}: the server process was gone at the end of the phase`);
      }
      for (const [sc, v] of noise) {
        notes.push(
          `${tag} ${sc}: other processes used up to ${Math.round(v)}% of a core meanwhile — the machine was not quiet`,
        );
      }
      for (const [sc, v] of client) {
        notes.push(
          `${tag} ${sc}: client CPU up to ${Math.round(v)}% of one core — the figure may be the client's limit`,
        );
      }
    }
  }
  return notes;
}

function firstErrors(doc) {
  const msgs = [];
  for (const p of (doc.runs ?? []).flatMap((r) => r.phases))
    msgs.push(...(p.first_verification_failures ?? []), ...(p.first_errors ?? []));
  if (doc.runs?.[0]?.setup?.first_errors) msgs.push(...doc.runs[0].setup.first_errors);
  return msgs.length ? `; first: ${msgs.slice(0, 3).join(' | ')}` : '';
}
