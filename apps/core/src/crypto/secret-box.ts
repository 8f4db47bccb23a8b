// The worker opens the secrets the core seals (webhook auth headers), so the class lives in the domain.
export { SecretBox } from '@berth/domain';
