/** RAM and ECS naming rules, checked before any call so bad input never reaches the API. */
import { l10n } from './l10n';

export function validateRoleName(name: string): string | undefined {
  if (!name) {
    return l10n.t('Enter a role name.');
  }
  if (name.length > 64) {
    return l10n.t('A role name has at most 64 characters ({0} given).', name.length);
  }
  const bad = [...name].find((ch) => !/[A-Za-z0-9.-]/.test(ch));
  if (bad) {
    return l10n.t('A role name may contain only letters, digits, "." and "-" ("{0}" is not allowed).', bad);
  }
  return undefined;
}

export function validatePolicyName(name: string): string | undefined {
  if (!name) {
    return l10n.t('Enter a policy name.');
  }
  if (name.length > 128) {
    return l10n.t('A policy name has at most 128 characters ({0} given).', name.length);
  }
  const bad = [...name].find((ch) => !/[A-Za-z0-9-]/.test(ch));
  if (bad) {
    return l10n.t('A policy name may contain only letters, digits and "-" ("{0}" is not allowed).', bad);
  }
  return undefined;
}

export function validateInstanceName(name: string): string | undefined {
  if (name.length < 2 || name.length > 128) {
    return l10n.t('An instance name has 2 to 128 characters.');
  }
  if (!/^[A-Za-z\u4e00-\u9fa5]/.test(name)) {
    return l10n.t('An instance name starts with a letter.');
  }
  if (/^(https?:)/i.test(name)) {
    return l10n.t('An instance name cannot start with http:// or https://.');
  }
  if (!/^[A-Za-z\u4e00-\u9fa5][A-Za-z0-9\u4e00-\u9fa5._:-]*$/.test(name)) {
    return l10n.t('An instance name may contain letters, digits, ".", "_", ":" and "-".');
  }
  return undefined;
}

/**
 * How every message names an instance: "demo-web-1 (i-…)", the name a person gave it next to the id
 * the console searches by; just the id when it has no name.
 */
export function instanceLabel(i: { instanceId: string; instanceName?: string }): string {
  return i.instanceName && i.instanceName !== i.instanceId ? `${i.instanceName} (${i.instanceId})` : i.instanceId;
}
