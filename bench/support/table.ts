import type { RoundSummary } from './stats.js';

/** One printed row: a figure's median over the rounds, its range and spread. */
export interface Row {
  section: string;
  figure: string;
  summary: RoundSummary;
  unit: string;
  note?: string;
}

function fmt(value: number, unit: string): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === 'x' ? 'x' : ''}`;
}

/** A Markdown table (pastes into the README as it is). */
export function renderTable(rows: readonly Row[]): string {
  const header = ['Benchmark', 'Figure', 'Median', 'Unit', 'Min – max', 'Spread', 'Note'];
  const lines = rows.map((r) => [
    r.section,
    r.figure,
    fmt(r.summary.median, r.unit),
    r.unit,
    `${fmt(r.summary.min, r.unit)} – ${fmt(r.summary.max, r.unit)}`,
    `${(r.summary.spread * 100).toFixed(0)} %`,
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...lines.map(line)].join('\n');
}
