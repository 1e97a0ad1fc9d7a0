// Placeholder until the IMDS service lands.
import type { ServiceModule } from './server';
export const imdsService: ServiceModule = {
  match: (req) => /^\/(imds\/[^/]+\/)?latest\//.test(req.rawPath) ? { service: 'imds', action: req.rawPath } : undefined,
  handle: () => ({ status: 501 }),
  errorResponse: (err) => ({ status: err.status, body: err.message }),
};
