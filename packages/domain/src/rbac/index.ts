export * from './rbac-policy.js';
export * from './access-decisions.js';
export { AccessControl, type MembershipSource, type ProjectIdSource } from './access-control.js';
