/**
 * Every metric vpcflow exports, declared once: name, type, help and labels. The registry builds
 * them from here, the README's metrics reference is generated from here, and a test checks the
 * naming rules (base units, `_total` on counters).
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

const TRAFFIC = ['action', 'protocol', 'direction', 'traffic_class'] as const;
const GROUP = ['window', 'action', 'protocol', 'log_status', 'direction', 'traffic_class'] as const;

export const METRICS = {
  flowRecords: { name: 'vpcflow_flow_records_total', type: 'counter', help: 'Flow log records aggregated, by action and log status (processing time).', labels: ['action', 'log_status'] },
  flowBytes: { name: 'vpcflow_flow_bytes_total', type: 'counter', help: 'Bytes reported by flow log records (processing time).', labels: TRAFFIC },
  flowPackets: { name: 'vpcflow_flow_packets_total', type: 'counter', help: 'Packets reported by flow log records (processing time).', labels: TRAFFIC },
  skipdataRecords: { name: 'vpcflow_flow_skipdata_records_total', type: 'counter', help: 'SKIPDATA records: flow log data AWS lost at the source during a capture window.', labels: [] },
  interfaceBytes: { name: 'vpcflow_interface_bytes_total', type: 'counter', help: 'Bytes per network interface; interfaces past the cap are summed under interface="other".', labels: ['interface'] },

  windowFlows: { name: 'vpcflow_window_flows', type: 'gauge', help: 'Flows in the latest closed window of each size, by group (event time).', labels: GROUP },
  windowPackets: { name: 'vpcflow_window_packets', type: 'gauge', help: 'Packets in the latest closed window of each size, by group (event time).', labels: GROUP },
  windowBytes: { name: 'vpcflow_window_bytes', type: 'gauge', help: 'Bytes in the latest closed window of each size, by group (event time).', labels: GROUP },
  windowEnd: { name: 'vpcflow_window_end_timestamp_seconds', type: 'gauge', help: 'End (Unix time) of the latest closed window of each size.', labels: ['window'] },
  windowsClosed: { name: 'vpcflow_windows_closed_total', type: 'counter', help: 'Windows closed and emitted.', labels: ['window'] },
  windowsOpen: { name: 'vpcflow_windows_open', type: 'gauge', help: 'Windows open (waiting for the watermark) across workers.', labels: ['window'] },
  topTalkers: { name: 'vpcflow_window_top_talker_bytes', type: 'gauge', help: 'Top source/destination pairs by bytes in the latest closed window (lower bounds; see the error bound).', labels: ['window', 'rank', 'src', 'dst'] },
  topDestinations: { name: 'vpcflow_window_top_destination_bytes', type: 'gauge', help: 'Top destinations by bytes in the latest closed window.', labels: ['window', 'rank', 'address'] },
  topRejectedPorts: { name: 'vpcflow_window_top_rejected_port_flows', type: 'gauge', help: 'Top destination protocol/ports of REJECTed flows in the latest closed window.', labels: ['window', 'rank', 'protocol', 'port'] },
  topRejectedSources: { name: 'vpcflow_window_top_rejected_source_flows', type: 'gauge', help: 'Top sources of REJECTed flows in the latest closed window.', labels: ['window', 'rank', 'address'] },
  topInterfaces: { name: 'vpcflow_window_top_interface_bytes', type: 'gauge', help: 'Top network interfaces by bytes in the latest closed window.', labels: ['window', 'rank', 'interface'] },
  topErrorBound: { name: 'vpcflow_window_top_error_bound', type: 'gauge', help: 'Largest amount by which a top-K value of the latest closed window may fall short of the truth.', labels: ['window', 'list'] },
  windowCost: { name: 'vpcflow_window_estimated_cost_dollars', type: 'gauge', help: 'Estimated transfer cost of the latest closed window by traffic class, from the configured price table.', labels: ['window', 'traffic_class'] },

  payloads: { name: 'vpcflow_source_payloads_total', type: 'counter', help: 'Payloads (messages, file chunks) received, by detected shape.', labels: ['shape'] },
  payloadBytes: { name: 'vpcflow_source_payload_bytes_total', type: 'counter', help: 'Payload bytes received (before decompression).', labels: [] },
  undecodable: { name: 'vpcflow_source_undecodable_payloads_total', type: 'counter', help: 'Payloads that could not be fully decoded, by reason.', labels: ['reason'] },
  deadLetters: { name: 'vpcflow_dead_letters_total', type: 'counter', help: 'Undecodable payloads written to the dead-letter file or topic, by outcome (written, failed) and reason.', labels: ['outcome', 'reason'] },
  sourceReady: { name: 'vpcflow_source_ready', type: 'gauge', help: '1 when the source is connected and reading.', labels: [] },
  sourceLag: { name: 'vpcflow_source_lag_messages', type: 'gauge', help: 'Kafka consumer lag per partition: high watermark minus the committed offset.', labels: ['partition'] },
  sourceBehind: { name: 'vpcflow_source_behind_latest_seconds', type: 'gauge', help: 'Kinesis MillisBehindLatest per shard, in seconds.', labels: ['partition'] },
  commits: { name: 'vpcflow_source_commits_total', type: 'counter', help: 'Positions committed to the source (Kafka offsets, Kinesis checkpoints), by outcome.', labels: ['outcome'] },
  records: { name: 'vpcflow_records_total', type: 'counter', help: 'Records tokenized (good and bad).', labels: [] },
  parseErrors: { name: 'vpcflow_parse_errors_total', type: 'counter', help: 'Records that failed to parse, by reason; they are skipped.', labels: ['reason'] },
  filtered: { name: 'vpcflow_records_filtered_total', type: 'counter', help: 'Good records left out by --filter.', labels: [] },
  late: { name: 'vpcflow_records_late_total', type: 'counter', help: 'Records that arrived after their window had closed, by window size; not in any emitted window.', labels: ['window'] },
  dropped: { name: 'vpcflow_records_dropped_total', type: 'counter', help: 'Records not aggregated, by reason (no_event_time, future, window_cap, worker_lost).', labels: ['reason'] },
  watermark: { name: 'vpcflow_watermark_timestamp_seconds', type: 'gauge', help: 'Global event-time watermark (Unix time).', labels: [] },
  watermarkLag: { name: 'vpcflow_watermark_lag_seconds', type: 'gauge', help: 'Wall-clock time minus the global watermark.', labels: [] },
  stageDuration: { name: 'vpcflow_stage_duration_seconds', type: 'histogram', help: 'Time spent per payload in each stage (decode, process) and per window close.', labels: ['stage'], buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5] },
  queueBytes: { name: 'vpcflow_worker_queue_bytes', type: 'gauge', help: 'Payload bytes waiting in or being processed by each worker.', labels: ['worker'] },
  queuePayloads: { name: 'vpcflow_worker_queue_payloads', type: 'gauge', help: 'Payloads waiting in or being processed by each worker.', labels: ['worker'] },
  workerRestarts: { name: 'vpcflow_worker_restarts_total', type: 'counter', help: 'Workers that died and were restarted.', labels: [] },
  inputErrors: { name: 'vpcflow_input_errors_total', type: 'counter', help: 'Inputs (files, standard input) that could not be read to their end, e.g. truncated gzip; what was read before them counts.', labels: [] },
} as const satisfies Record<string, MetricSpec>;

export type MetricKey = keyof typeof METRICS;
