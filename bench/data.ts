/** Benchmark inputs from the shared deterministic generator. */
import { cloudWatchEnvelope, createFlowGenerator, renderLines, V5_29_FORMAT } from '../src/generator/index.js';
import { DEFAULT_FORMAT, type Format } from '../src/index.js';

export interface TextInput {
  name: string;
  format: Format;
  text: string;
  bytes: Uint8Array;
  records: number;
}

export function textInput(name: string, format: Format, records: number): TextInput {
  const generator = createFlowGenerator({ seed: 42 });
  const text = renderLines(Array.from({ length: records }, () => generator.next()), format);
  return { name, format, text, bytes: new TextEncoder().encode(text), records };
}

export interface EnvelopeInput {
  format: Format;
  json: string[];
  bytes: Uint8Array[];
  records: number;
}

/** `envelopes` CloudWatch Logs envelopes of `perEnvelope` events each (decompressed JSON). */
export function envelopeInput(envelopes: number, perEnvelope: number): EnvelopeInput {
  const generator = createFlowGenerator({ seed: 43 });
  const json = Array.from({ length: envelopes }, (_, i) => cloudWatchEnvelope(Array.from({ length: perEnvelope }, () => generator.next()), DEFAULT_FORMAT, { firstEventId: i * perEnvelope }));
  return { format: DEFAULT_FORMAT, json, bytes: json.map((j) => new TextEncoder().encode(j)), records: envelopes * perEnvelope };
}

export const DEFAULT_TEXT = (records: number): TextInput => textInput('default format', DEFAULT_FORMAT, records);
export const V5_TEXT = (records: number): TextInput => textInput('29-field v5 format', V5_29_FORMAT, records);
