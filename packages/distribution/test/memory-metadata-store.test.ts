import { describeMetadataStore } from '../src/testing/metadata-store-suite.js';
import { MemoryMetadataStore } from '../src/testing/memory-metadata-store.js';

describeMetadataStore(MemoryMetadataStore.name, async () => {
  const store = new MemoryMetadataStore();
  return { store, recordedEvents: async () => [...store.recordedEvents] };
});
