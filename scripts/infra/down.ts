/** npm run infra:down — stops what infra:up started, and nothing else. */
import { infraDown } from './index.js';

try {
  await infraDown();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
