/** Ports and paths of the local infrastructure: fixed defaults, overridable by env, checked. */
import { describe, expect, it } from 'vitest';
import { infraPaths, loadConfig } from '../../scripts/infra/config.js';

describe('infra config', () => {
  it('defaults to the documented ports on 127.0.0.1', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.kafka).toMatchObject({ port: 9092, controllerPort: 9093, saslSslPort: 9094, username: 'vpcflow', password: 'vpcflow-secret' });
    // TLS port 0: the emulator's unused TLS listener goes to a free port the OS picks.
    expect(config.kinesis).toMatchObject({ port: 4568, tlsPort: 0, region: 'us-east-1' });
  });

  it('takes ports from VPCFLOW_* variables', () => {
    const config = loadConfig({ VPCFLOW_KAFKA_PORT: '19092', VPCFLOW_KAFKA_SASL_PORT: '19094', VPCFLOW_KINESIS_PORT: '14568' });
    expect(config.kafka.port).toBe(19092);
    expect(config.kafka.saslSslPort).toBe(19094);
    expect(config.kafka.controllerPort).toBe(9093);
    expect(config.kinesis.port).toBe(14568);
  });

  it('rejects a port that is not a port, naming the variable', () => {
    expect(() => loadConfig({ VPCFLOW_KAFKA_PORT: 'abc' })).toThrow(/VPCFLOW_KAFKA_PORT=abc/);
    expect(() => loadConfig({ VPCFLOW_KINESIS_PORT: '70000' })).toThrow(/VPCFLOW_KINESIS_PORT/);
    expect(() => loadConfig({ VPCFLOW_KAFKA_PORT: '0' })).toThrow(/VPCFLOW_KAFKA_PORT/);
    expect(() => loadConfig({ VPCFLOW_KAFKA_SASL_PORT: '9092' })).toThrow(/must differ/);
  });

  it('keeps runtime state under .infra/ and sources under infra/', () => {
    const paths = infraPaths('/repo');
    expect(paths.stateFile).toBe('/repo/.infra/state.json');
    expect(paths.kafka.libs).toBe('/repo/.infra/kafka/libs');
    expect(paths.kafka.pom).toBe('/repo/infra/kafka/pom.xml');
  });
});
