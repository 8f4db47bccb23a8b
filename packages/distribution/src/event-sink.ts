/**
 * Registry events, in the shape of CNCF distribution's notification envelope, emitted after the
 * change they describe is committed.
 */
export interface RegistryEvent {
  id: string;
  timestamp: string;
  action: 'push' | 'pull' | 'delete' | 'mount';
  target: {
    mediaType?: string;
    size?: number;
    digest?: string;
    repository: string;
    tag?: string;
    url?: string;
  };
  request: {
    id: string;
    addr: string;
    host: string;
    method: string;
    useragent: string;
  };
  actor: { name?: string };
  source: { addr: string; instanceID: string };
}

export interface EventSink {
  /** Must not throw or block: delivery is the sink's business. */
  emit(event: RegistryEvent): void;
}

export class NullEventSink implements EventSink {
  emit(): void {}
}
