import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RegistryEvent } from './event-sink.js';

/**
 * Who asked for a change, and through which request: what events say in `actor`, `request` and
 * `source`. The `/v2/` handler makes one from each request; the core's API makes one from its own.
 */
export interface ChangeOrigin {
  /** The authenticated subject (a username, a robot's name), or null when anonymous. */
  actor: string | null;
  request: RegistryEvent['request'];
  /** The server's own address, as distribution's `source.addr`. */
  sourceAddr: string;
}

/** A ChangeOrigin for a Node HTTP request. */
export function originOfRequest(req: IncomingMessage, actor: string | null): ChangeOrigin {
  const requestId = req.headers['x-request-id'];
  return {
    actor,
    request: {
      id: typeof requestId === 'string' && requestId ? requestId : randomUUID(),
      addr: req.socket.remoteAddress ?? '',
      host: req.headers.host ?? '',
      method: req.method ?? '',
      useragent: req.headers['user-agent'] ?? '',
    },
    sourceAddr: req.socket.localAddress ?? '',
  };
}

/** Builds the events of one registry instance, in distribution's envelope. */
export class RegistryEventFactory {
  constructor(private readonly instanceId: string = randomUUID()) {}

  create(
    origin: ChangeOrigin,
    action: RegistryEvent['action'],
    scope: NonNullable<RegistryEvent['scope']>,
    target: RegistryEvent['target'],
  ): RegistryEvent {
    return {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      action,
      target,
      request: origin.request,
      actor: origin.actor ? { name: origin.actor } : {},
      source: { addr: origin.sourceAddr, instanceID: this.instanceId },
      scope,
    };
  }
}
