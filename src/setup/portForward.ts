/**
 * Forward a Port: a loopback listener whose every connection is a fresh Session Manager session to
 * a port of the instance, or, with `targetServer`, of a VPC address the instance reaches (the
 * instance as a jump host to RDS, Redis…: StartTerminalSession's TargetServer). Each connection
 * gets its own session because a WebSocketUrl carries one byte stream.
 */
import * as net from 'node:net';
import type { Cloud } from '../cloud';
import { SessionManagerApi } from '../cloud/sessionManager';
import { pipeSession, type SessionEnd } from '../cloud/sessionStream';

export interface PortForward {
  localPort: number;
  dispose(): void;
}

export async function forwardPort(
  cloud: Cloud,
  o: {
    regionId: string;
    instanceId: string;
    port: number;
    targetServer?: string;
    localPort?: number;
    /** How each connection's session ended (plain words are the caller's). */
    onEnd?: (how: SessionEnd) => void;
  },
): Promise<PortForward> {
  const sm = new SessionManagerApi(cloud.session);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    sm.start(o.regionId, o.instanceId, o.port, o.targetServer).then(
      (ticket) => {
        const stream = pipeSession(
          ticket,
          socket,
          socket,
          (how) => {
            socket.end();
            o.onEnd?.(how);
          },
          512 * 1024,
        );
        socket.on('close', () => stream.destroy());
        socket.resume();
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.localPort ?? 0, '127.0.0.1', resolve);
  });
  return {
    localPort: (server.address() as net.AddressInfo).port,
    dispose: () => {
      server.close();
      sockets.forEach((s) => s.destroy());
    },
  };
}
