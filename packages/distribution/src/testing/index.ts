export { MemoryMetadataStore } from './memory-metadata-store.js';
export { describeBlobDriver } from './blob-driver-suite.js';
