import { Injectable, Logger } from '@nestjs/common';
import type { EventSink, RegistryEvent } from '@berth/distribution';

export type RegistryEventListener = (event: RegistryEvent) => void | Promise<void>;

/**
 * The engine's EventSink: a small in-process pub/sub. The engine emits after a change is
 * committed; replication, webhooks and audit subscribe here.
 *
 * `emit` never throws and never waits for a listener: each listener runs on a later microtask,
 * and a listener that throws or rejects is logged and does not affect the others.
 */
@Injectable()
export class RegistryEventsService implements EventSink {
  private readonly logger = new Logger(RegistryEventsService.name);
  private readonly listeners = new Set<RegistryEventListener>();

  emit(event: RegistryEvent): void {
    this.logger.debug(
      `${event.action} ${event.target.repository}` +
        `${event.target.tag ? `:${event.target.tag}` : ''}${event.target.digest ? `@${event.target.digest}` : ''}` +
        ` (event ${event.id})`,
    );
    for (const listener of this.listeners) {
      queueMicrotask(() => this.deliver(listener, event));
    }
  }

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: RegistryEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private deliver(listener: RegistryEventListener, event: RegistryEvent): void {
    try {
      const result = listener(event);
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).catch((error: unknown) => this.onListenerError(event, error));
      }
    } catch (error) {
      this.onListenerError(event, error);
    }
  }

  private onListenerError(event: RegistryEvent, error: unknown): void {
    this.logger.error(
      `registry event listener failed for event ${event.id}: ${error instanceof Error ? error.message : String(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
  }
}
