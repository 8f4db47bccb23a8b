export { SecretBox } from './secret-box.js';
export { readInstanceKey } from './instance-key.js';
