/**
 * The file source: plain or gzip files, globs, and directories as AWS writes flow logs to S3
 * (AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<file>.log.gz). Files are read one after
 * another in event-time order (the timestamp in AWS file names, then the path), so windows can
 * close as the replay moves on. A file is cut into slices that go to different partitions, so
 * every worker gets a share of a single large file.
 */
import { stat } from 'node:fs/promises';
import { glob } from 'tinyglobby';
import { VpcflowError } from '../errors.js';
import { readChunks } from './file-chunks.js';
import { pushSlices, type SliceOptions } from './slices.js';
import type { Source, SourceProgress, SourceSink } from './source.js';

export interface FileSourceOptions extends SliceOptions {
  inputs: readonly string[];
}

// AWS names delivered files <account>_vpcflowlogs_<region>_<flow log id>_<yyyymmddThhmmZ>_<hash>.log.gz
const AWS_TIME = /_(\d{8}T\d{4}Z)_/;

function orderKey(path: string): string {
  return `${AWS_TIME.exec(path)?.[1] ?? ''}\u0000${path}`;
}

/** Expand files, globs and directories to a sorted list of files. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files = new Set<string>();
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    const found = info?.isDirectory()
      ? await glob('**/*', { cwd: input, absolute: true, onlyFiles: true, dot: false })
      : info?.isFile()
        ? [input]
        : await glob(input, { absolute: false, onlyFiles: true });
    if (found.length === 0) {
      throw new VpcflowError('VPCFLOW_INPUT_UNREADABLE', `--input ${JSON.stringify(input)} matches no file; give a file, a directory or a glob such as 'logs/**/*.log.gz'`, { context: { setting: 'input', value: input } });
    }
    for (const file of found) files.add(file);
  }
  return [...files].sort((a, b) => (orderKey(a) < orderKey(b) ? -1 : orderKey(a) > orderKey(b) ? 1 : 0));
}

export function createFileSource(options: FileSourceOptions): Source {
  let stopped = false;
  let ready = false;
  let bytes = 0;
  let totalBytes: number | null = null;
  return {
    name: 'file',
    get ready() {
      return ready;
    },
    progress(): SourceProgress {
      return { bytes, totalBytes };
    },
    stop() {
      stopped = true;
    },
    async run(sink: SourceSink) {
      const files = await expandInputs(options.inputs);
      totalBytes = 0;
      for (const file of files) totalBytes += (await stat(file)).size;
      ready = true;
      for (const file of files) {
        if (stopped) break;
        await pushSlices(file, `file:${file}`, readChunks(file), options, sink, () => stopped);
        bytes += (await stat(file)).size;
      }
      ready = false;
    },
  };
}
