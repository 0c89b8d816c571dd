/**
 * The progress line of file replays on a terminal (records/s, bytes, ETA), and the summary table
 * at the end.
 */
import type { RunSummary } from '../pipeline/pipeline.js';
import type { SourceProgress } from '../sources/source.js';

const MB = 1024 * 1024;

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function progressLine(summary: RunSummary, progress: SourceProgress): string {
  const rate = summary.seconds > 0 ? summary.records / summary.seconds : 0;
  const fraction = progress.totalBytes ? Math.min(1, progress.bytes / progress.totalBytes) : null;
  const width = 24;
  const bar = fraction === null ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
  const eta = fraction && fraction > 0 ? duration((summary.seconds * (1 - fraction)) / fraction) : '?';
  const total = progress.totalBytes === null ? '' : ` / ${(progress.totalBytes / MB).toFixed(1)} MB`;
  return `${bar}${summary.records.toLocaleString('en-US')} records  ${(rate / 1e6).toFixed(2)} M/s  ${(progress.bytes / MB).toFixed(1)} MB${total}  ETA ${eta}`;
}

export function summaryTable(summary: RunSummary): string {
  const rows: [string, string][] = [
    ['records', summary.records.toLocaleString('en-US')],
    ['  aggregated', summary.good.toLocaleString('en-US')],
    ['  bad (parse errors)', summary.errors.toLocaleString('en-US')],
    ['  filtered out', summary.filtered.toLocaleString('en-US')],
    ...Object.entries(summary.late).map(([window, count]): [string, string] => [`  late for ${window} windows`, count.toLocaleString('en-US')]),
    ['  dropped', summary.dropped.toLocaleString('en-US')],
    ['payloads', `${summary.payloads.toLocaleString('en-US')} (${(summary.payloadBytes / MB).toFixed(1)} MB)`],
    ['windows emitted', summary.windows.toLocaleString('en-US')],
    ['elapsed', `${summary.seconds.toFixed(1)} s (${(summary.records / Math.max(summary.seconds, 1e-9) / 1e6).toFixed(2)} M records/s)`],
  ];
  if (summary.workerRestarts > 0) rows.push(['worker restarts', String(summary.workerRestarts)]);
  if (summary.inputErrors > 0) rows.push(['inputs not read to the end', String(summary.inputErrors)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
