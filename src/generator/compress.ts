/**
 * gzip helpers for payloads: S3 flow-log objects and CloudWatch Logs subscription payloads are
 * always gzip-compressed. Synchronous, for building test and benchmark payloads of bounded size;
 * files go through the streaming writer in file.ts.
 */
import { gunzipSync, gzipSync } from 'node:zlib';

export function gzipText(text: string | Uint8Array): Buffer {
  return gzipSync(text);
}

export function gunzipText(bytes: Uint8Array): string {
  return gunzipSync(bytes).toString('utf8');
}
