export {};
export * from './transport/tls-policy.js';
export * from './transport/undici-handler.js';
export * from './transport/node-https-handler.js';
export * from './transport/client-config.js';
export * from './transport/https-only.js';
export * from './object-lock/index.js';
