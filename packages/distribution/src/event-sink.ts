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
  /**
   * What changed (Berth's addition to distribution's envelope): an artifact (a manifest pushed,
   * pulled or deleted), a tag alone (added to or removed from an artifact that stays), a whole
   * repository, or a blob. Absent in events of older writers: then a blob when `mediaType` is not a
   * manifest's, else an artifact.
   */
  scope?: 'artifact' | 'tag' | 'repository' | 'blob';
}

export interface EventSink {
  /** Must not throw or block: delivery is the sink's business. */
  emit(event: RegistryEvent): void;
}

export class NullEventSink implements EventSink {
  emit(): void {}
}
