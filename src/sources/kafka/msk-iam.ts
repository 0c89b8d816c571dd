/**
 * Amazon MSK IAM authentication: SASL/OAUTHBEARER with a token signed by AWS's own signer
 * (aws-msk-iam-sasl-signer-js) from the default credential chain, as the MSK docs describe for
 * kafkajs. kafkajs asks for a token at each connection, so expiring credentials are refreshed.
 */
import type { SASLOptions } from 'kafkajs';
import { VpcflowError } from '../../errors.js';

/** The region of MSK brokers, read from their host names (b-1.name.abc123.c2.kafka.eu-west-1.amazonaws.com). */
export function mskRegionOf(brokers: readonly string[]): string | null {
  for (const broker of brokers) {
    const match = /\.kafka(?:-serverless)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?(?::\d+)?$/.exec(broker);
    if (match) return match[1]!;
  }
  return null;
}

/** The region to sign for: the brokers', else AWS_REGION / AWS_DEFAULT_REGION. */
export function mskRegion(brokers: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  const region = mskRegionOf(brokers) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new VpcflowError('VPCFLOW_CONFIG_INVALID', `--kafka-sasl-mechanism aws-msk-iam needs the cluster's AWS region: the brokers ${brokers.join(',')} are not MSK host names, so set AWS_REGION`, {
      context: { setting: 'kafkaSaslMechanism', value: 'aws-msk-iam' },
    });
  }
  return region;
}

export function mskIamSasl(region: string): SASLOptions {
  return {
    mechanism: 'oauthbearer',
    oauthBearerProvider: async () => {
      const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
      const { token } = await generateAuthToken({ region });
      return { value: token };
    },
  };
}
