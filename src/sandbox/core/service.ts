/**
 * What the sandbox's services (RPC, IMDS, OSS) implement and see of the server, in its own module
 * so that server.ts can list them without a circle.
 */
import type { SandboxError } from './errors';
import type { SandboxService } from './faults';
import type { SandboxRequest, SandboxResponse } from './http';
import type { SandboxState } from './state';

/** The running sandbox as a service sees it. */
export interface SandboxHost {
  readonly state: SandboxState;
  readonly options: { readonly defaultImdsInstance?: string };
  /** host:port of the sandbox (Session Manager's WebSocketUrl points back at it). */
  endpoint?(): string;
}

export interface ServiceModule {
  /**
   * Claims a request, naming the service and action (for faults and the request log), and the
   * region it asks about where it names one (RPC RegionId).
   */
  match(req: SandboxRequest): { service: SandboxService; action: string; region?: string } | undefined;
  handle(req: SandboxRequest, sandbox: SandboxHost): Promise<SandboxResponse> | SandboxResponse;
  /** Renders an error the way this service does (JSON, XML, plain text). */
  errorResponse(err: SandboxError, req: SandboxRequest): SandboxResponse;
}
