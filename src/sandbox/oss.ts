// Placeholder until the OSS service lands.
import type { ServiceModule } from './server';
export const ossService: ServiceModule = {
  match: () => ({ service: 'oss', action: 'Unknown' }),
  handle: () => ({ status: 501 }),
  errorResponse: (err) => ({ status: err.status, body: err.code }),
};
