export { MemoryMetadataStore } from './memory-metadata-store.js';
export { describeBlobDriver } from './blob-driver-suite.js';
export { describeMetadataStore, type MetadataStoreFixture } from './metadata-store-suite.js';
