/**
 * The ECS view's filter: which instances it shows, by name, id, status or tag. The text is kept by
 * Services.filters (key `ecs`, one for the whole view: it outlives a profile switch).
 */
import type { EcsInstance } from '../cloud/ecs';

/**
 * Every term must match. `tag:key` or `tag:key=value` match tags, `status:stopped` the status
 * exactly; a plain term is looked for in the name, id, status and tags (`key=value`).
 */
export function instanceMatches(i: EcsInstance, filter: string | undefined): boolean {
  if (!filter?.trim()) {
    return true;
  }
  const tags = (i.tags ?? []).map((t) => `${t.key}=${t.value}`.toLowerCase());
  return filter
    .toLowerCase()
    .trim()
    .split(/\s+/)
    .every((term) => {
      if (term.startsWith('tag:')) {
        const want = term.slice(4);
        return tags.some((t) => (want.includes('=') ? t === want : t.split('=')[0] === want));
      }
      if (term.startsWith('status:')) {
        return i.status.toLowerCase() === term.slice(7);
      }
      return [i.instanceName, i.instanceId, i.status, ...tags].some((x) => x.toLowerCase().includes(term));
    });
}
