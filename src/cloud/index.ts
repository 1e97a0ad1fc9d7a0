/** The cloud layer's front door: one profile → one session → typed APIs per service. */
import type { CredentialProviders } from './credentials';
import { EcsApi } from './ecs';
import { OssApi } from './oss';
import type { ProfileConfig } from './profile';
import { RamApi } from './ram';
import { CloudSession, type CloudLogger } from './session';
import { getCallerIdentity, type CallerIdentity } from './sts';
import type { RoleChanges } from './waiting';

export interface Cloud {
  readonly session: CloudSession;
  readonly ram: RamApi;
  readonly ecs: EcsApi;
  readonly oss: OssApi;
  whoAmI(): Promise<CallerIdentity>;
  /** whoAmI asked once per cloud (a switched profile gets a new Cloud); a failure is asked again. */
  knownIdentity(): Promise<CallerIdentity>;
  dispose(): void;
}

/**
 * `providers` and `roleChanges`: shared with the owner's other clouds (see CredentialProviders and
 * RoleChanges).
 */
export function createCloud(
  profile: ProfileConfig,
  logger?: CloudLogger,
  providers?: CredentialProviders,
  roleChanges?: RoleChanges,
): Cloud {
  const session = new CloudSession(profile, logger, undefined, providers, roleChanges);
  let identity: Promise<CallerIdentity> | undefined;
  return {
    session,
    ram: new RamApi(session),
    ecs: new EcsApi(session),
    oss: new OssApi(session),
    whoAmI: () => getCallerIdentity(session),
    knownIdentity() {
      if (!identity) {
        const p = (identity = getCallerIdentity(session));
        p.catch(() => {
          if (identity === p) {
            identity = undefined;
          }
        });
      }
      return identity;
    },
    dispose: () => session.dispose(),
  };
}
