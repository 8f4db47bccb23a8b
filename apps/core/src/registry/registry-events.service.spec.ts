import type { RegistryEvent } from '@berth/distribution';
import { describe, expect, it, vi } from 'vitest';
import { RegistryEventsService } from './registry-events.service.js';

function newEvent(overrides: Partial<RegistryEvent> = {}): RegistryEvent {
  return {
    id: 'event-1',
    timestamp: new Date(0).toISOString(),
    action: 'push',
    target: { repository: 'library/alpine', tag: 'latest', digest: `sha256:${'a'.repeat(64)}` },
    request: { id: 'req-1', addr: '127.0.0.1', host: 'localhost', method: 'PUT', useragent: 'test' },
    actor: {},
    source: { addr: 'localhost:8080', instanceID: 'instance' },
    ...overrides,
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(RegistryEventsService.name, () => {
  it('delivers each event to every subscriber, after emit returns', async () => {
    const sut = new RegistryEventsService();
    const first = vi.fn();
    const second = vi.fn();
    sut.subscribe(first);
    sut.subscribe(second);
    const event = newEvent();

    sut.emit(event);
    expect(first).not.toHaveBeenCalled();
    await flush();

    expect(first).toHaveBeenCalledWith(event);
    expect(second).toHaveBeenCalledWith(event);
  });

  it('stops delivering after unsubscribe', async () => {
    const sut = new RegistryEventsService();
    const listener = vi.fn();
    const unsubscribe = sut.subscribe(listener);
    unsubscribe();

    sut.emit(newEvent());
    await flush();

    expect(listener).not.toHaveBeenCalled();
    expect(sut.listenerCount).toBe(0);
  });

  it('keeps delivering when a listener throws or rejects', async () => {
    const sut = new RegistryEventsService();
    const healthy = vi.fn();
    sut.subscribe(() => {
      throw new Error('boom');
    });
    sut.subscribe(() => Promise.reject(new Error('async boom')));
    sut.subscribe(healthy);

    expect(() => sut.emit(newEvent())).not.toThrow();
    await flush();

    expect(healthy).toHaveBeenCalledOnce();
  });
});
