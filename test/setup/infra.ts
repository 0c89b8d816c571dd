/**
 * Vitest global setup: the Kafka broker and kinesis-local the integration tests talk to, started
 * by the same module as `npm run infra:up` (already running ones are reused, and only what this
 * setup started is stopped afterwards).
 */
import type { TestProject } from 'vitest/node';
import { infraDown, infraUp, type InfraInfo } from '../../scripts/infra/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    infra: InfraInfo;
  }
}

export async function setup(project: TestProject): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  project.provide('infra', await infraUp());
}

export async function teardown(): Promise<void> {
  await infraDown();
}
