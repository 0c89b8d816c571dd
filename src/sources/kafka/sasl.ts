/** Kafka SASL settings, kept free of kafkajs so the config schema can use them without loading it. */

export type Sasl = { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | { mechanism: 'aws-msk-iam' } | null;

export const SASL_MECHANISMS = ['none', 'plain', 'scram-sha-256', 'scram-sha-512', 'aws-msk-iam'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The SASL part of a connection from the settings (a password comes from VPCFLOW_KAFKA_PASSWORD). */
export function saslOf(mechanism: SaslMechanism, username: string | null, password: string | null): Sasl {
  if (mechanism === 'none') return null;
  if (mechanism === 'aws-msk-iam') return { mechanism };
  return { mechanism, username: username ?? '', password: password ?? '' };
}
