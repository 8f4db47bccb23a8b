/** DI token: the engine's BlobDriver. */
export const BLOB_DRIVER = Symbol('BLOB_DRIVER');
/** DI token: the engine's MetadataStore. */
export const METADATA_STORE = Symbol('METADATA_STORE');
/** DI token: the engine's Authorizer. */
export const REGISTRY_AUTHORIZER = Symbol('REGISTRY_AUTHORIZER');
/** DI token: the `/v2/` handler over Node's request and response. */
export const REGISTRY_HANDLER = Symbol('REGISTRY_HANDLER');
/** DI token: the engine's domain services (blobs, manifests, tags, catalog, uploads). */
export const REGISTRY_SERVICES = Symbol('REGISTRY_SERVICES');
