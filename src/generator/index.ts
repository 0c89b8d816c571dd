/** The deterministic flow-log generator shared by tests, benchmarks, the demo feed and `vpcflow produce`. */
export { createFlowGenerator, resolveGeneratorOptions, DEFAULT_START_TIME } from './generator.js';
export type { FlowGenerator, FlowRecord, GeneratorOptions } from './generator.js';
export { renderLine, renderLines, encodeLines, headerLine, formatVersion, V5_29_FORMAT } from './render.js';
export { cloudWatchEnvelope, controlMessageEnvelope } from './cloudwatch.js';
export type { EnvelopeMeta } from './cloudwatch.js';
export { gzipText, gunzipText } from './compress.js';
export { writeFlowLogFile } from './file.js';
export type { FlowLogFileOptions } from './file.js';
export { createRandom } from './random.js';
export type { Random } from './random.js';
export type { Eni, Role, Subnet, Topology, Vpc } from './topology.js';
export type { ScenarioEvent, ScenarioKind } from './scenarios.js';
