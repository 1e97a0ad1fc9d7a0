// Placeholder until the RPC service (RAM, ECS, STS) lands.
import type { ServiceModule } from './server';
export const rpcService: ServiceModule = {
  match: (req) => (req.headers['x-acs-action'] || req.query.get('Action')) ? { service: 'ram', action: String(req.headers['x-acs-action'] ?? req.query.get('Action')) } : undefined,
  handle: () => ({ status: 501 }),
  errorResponse: (err) => ({ status: err.status, body: JSON.stringify({ Code: err.code, Message: err.message }) }),
};
