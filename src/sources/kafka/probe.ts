/**
 * What a Kafka listener speaks, asked directly before kafkajs connects: kafkajs reports a client
 * whose TLS setting does not match the listener only as a closed connection, and only after its
 * retries (~1 minute). Two questions, each on its own connection:
 *
 * - `askApiVersions`: a Kafka ApiVersions v0 request in plaintext. A plaintext listener, SASL or
 *   not, answers it (SASL listeners accept ApiVersions before the SASL handshake); a TLS listener
 *   answers with a TLS alert or closes the connection.
 * - `tlsHandshake`: a TLS handshake as kafkajs makes it. A plaintext Kafka listener reads the
 *   ClientHello's first bytes as a request size far above its limit and closes the connection.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

export interface BrokerAddress {
  host: string;
  port: number;
}

/** `host:port` or `[v6]:port`. */
export function brokerAddress(broker: string): BrokerAddress {
  const at = broker.lastIndexOf(':');
  return { host: broker.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(broker.slice(at + 1)) };
}

/**
 * - `kafka`: a Kafka response with our correlation id.
 * - `tls`: a TLS record (alert or handshake) instead.
 * - `closed`: connected, then closed or reset by the broker before any byte of a response.
 * - `unreachable`: no TCP connection (refused, unknown host, unreachable network).
 * - `silent`: nothing conclusive before the deadline.
 * - `other`: bytes that are neither.
 */
export type ApiVersionsAnswer = 'kafka' | 'tls' | 'closed' | 'unreachable' | 'silent' | 'other';

const API_VERSIONS_KEY = 18;
const API_VERSIONS_V0 = 0;
/** 'vpcf': any id works; the broker echoes it. */
const CORRELATION_ID = 0x7670_6366;

/**
 * Request header v1 (the one ApiVersions v0 uses), no body:
 * int32 size | int16 api_key | int16 api_version | int32 correlation_id | int16 length + client_id.
 */
function apiVersionsRequest(clientId: string): Buffer {
  const id = Buffer.from(clientId, 'utf8');
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length);
  let at = request.writeInt32BE(request.length - 4, 0);
  at = request.writeInt16BE(API_VERSIONS_KEY, at);
  at = request.writeInt16BE(API_VERSIONS_V0, at);
  at = request.writeInt32BE(CORRELATION_ID, at);
  at = request.writeInt16BE(id.length, at);
  id.copy(request, at);
  return request;
}

const TLS_ALERT = 0x15;
const TLS_HANDSHAKE = 0x16;
const TLS_MAJOR_VERSION = 0x03;

/**
 * A TLS record starts with its content type and the major version 3. A Kafka response starts
 * with its int32 size, which is never 0x15 or 0x16 in its top byte (that is over 350 MB).
 */
function classify(bytes: Buffer, ended: boolean): ApiVersionsAnswer | null {
  if (bytes.length >= 2 && (bytes[0] === TLS_ALERT || bytes[0] === TLS_HANDSHAKE) && bytes[1] === TLS_MAJOR_VERSION) return 'tls';
  // Response header v0: int32 size, int32 correlation_id.
  if (bytes.length >= 8) return bytes.readInt32BE(0) > 4 && bytes.readInt32BE(4) === CORRELATION_ID ? 'kafka' : 'other';
  if (!ended) return null;
  return bytes.length === 0 ? 'closed' : 'other';
}

/** Sends one ApiVersions v0 request in plaintext and reads as much of the answer as it takes to tell. */
export function askApiVersions(address: BrokerAddress, clientId: string, timeoutMs: number): Promise<ApiVersionsAnswer> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let connected = false;
    const socket: Socket = tcpConnect({ host: address.host, port: address.port });
    const finish = (answer: ApiVersionsAnswer): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish('silent'), timeoutMs);
    socket.on('connect', () => {
      connected = true;
      socket.write(apiVersionsRequest(clientId));
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = classify(received, false);
      if (answer) finish(answer);
    });
    // A reset after connecting is the broker closing on us, like an orderly close.
    socket.on('error', () => finish(connected ? classify(received, true)! : 'unreachable'));
    socket.on('close', () => finish(classify(received, true)!));
  });
}

/**
 * - `tls`: the handshake completed.
 * - `untrusted`: the broker speaks TLS but its certificate is not trusted (`error` says why).
 * - `failed`: connected, then the handshake failed otherwise (closed, reset, not TLS).
 * - `unreachable`, `silent`: as for ApiVersions.
 */
export type HandshakeOutcome = { outcome: 'tls' | 'unreachable' | 'silent' } | { outcome: 'untrusted' | 'failed'; error: NodeJS.ErrnoException };

const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

/** A TLS handshake with the broker's certificate checked against `ca` (or the system CAs). */
export function tlsHandshake(address: BrokerAddress, ca: string | undefined, timeoutMs: number): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const { host, port } = address;
    const socket = tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...(ca ? { ca } : {}) });
    const finish = (outcome: HandshakeOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ outcome: 'silent' }), timeoutMs);
    socket.on('secureConnect', () => finish({ outcome: 'tls' }));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? '';
      finish(CERTIFICATE_ERROR.test(code) ? { outcome: 'untrusted', error } : UNREACHABLE.has(code) ? { outcome: 'unreachable' } : { outcome: 'failed', error });
    });
  });
}
