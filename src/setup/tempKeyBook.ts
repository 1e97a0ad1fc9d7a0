/**
 * The temporary keys one extension host keeps (src/setup/tempKey.ts makes and sends them). Apart,
 * so Services can own a book without loading what sends keys.
 */
import * as fs from 'node:fs';

export interface TempKeyPair {
  /** `ssh-ed25519 AAAA… comment` */
  publicLine: string;
  /** OpenSSH private key file text (unencrypted: it lives a minute in a 0700 directory, file 0600). */
  privateFile: string;
}

export interface LiveKey {
  key: TempKeyPair;
  user: string;
  users: number;
  timer?: NodeJS.Timeout;
}

/**
 * What one extension host keeps about temporary keys (owned by Services, passed down).
 * `live`: keys on disk, by file. ssh reads the IdentityFile's public half when it starts and the
 * private half when it signs; a connection that starts while an earlier one's key is still on
 * disk has already read that key, so overlapping connections to one instance port share it (sent
 * again, for another 60 s) instead of replacing it under the other ssh.
 * `pluginReady`: `region/instance` where the config_ecs_instance_connect plug-in was installed.
 */
export interface TempKeyBook {
  live: Map<string, LiveKey>;
  pluginReady: Set<string>;
}

export const newTempKeyBook = (): TempKeyBook => ({ live: new Map(), pluginReady: new Set() });

/** Removes every key file the book holds (the extension is going away). */
export function clearTempKeys(book: TempKeyBook): void {
  for (const [file, e] of book.live) {
    clearTimeout(e.timer);
    fs.rmSync(file, { force: true });
  }
  book.live.clear();
}
