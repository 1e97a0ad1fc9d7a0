/**
 * The fleet report of "Require Hardened Metadata Mode": every instance that still allows
 * normal-mode (token-less) metadata reads, from the inventory (every region, each instance with
 * its RAM role). Those holding a role come first: a token-less read hands out its credentials.
 */
import { loadInventory, type Inventory, type InventoryOptions } from '../cloud/inventory';
import type { Cloud } from '../cloud';
import { metadataModeOf } from './metadataHardening';

export interface NormalModeInstance {
  regionId: string;
  instanceId: string;
  instanceName: string;
  status: string;
  ramRoleName?: string;
}

export interface HardeningReport {
  /** Instances allowing normal mode, role holders first, then by region and name. */
  normalMode: NormalModeInstance[];
  total: number;
  hardenedOnly: number;
  off: number;
  /** Regions that could not be listed (their instances are missing from the report). */
  failedRegions: string[];
}

export function hardeningReportOf(inventory: Inventory): HardeningReport {
  const report: HardeningReport = { normalMode: [], total: 0, hardenedOnly: 0, off: 0, failedRegions: [] };
  for (const r of inventory.regions) {
    if (r.error) {
      report.failedRegions.push(r.regionId);
    }
    for (const i of r.instances) {
      report.total++;
      const mode = metadataModeOf(i);
      if (mode === 'hardenedOnly') {
        report.hardenedOnly++;
      } else if (mode === 'off') {
        report.off++;
      } else {
        report.normalMode.push({
          regionId: i.regionId,
          instanceId: i.instanceId,
          instanceName: i.instanceName,
          status: i.status,
          ramRoleName: i.ramRoleName,
        });
      }
    }
  }
  report.normalMode.sort(
    (a, b) =>
      Number(!a.ramRoleName) - Number(!b.ramRoleName) ||
      a.regionId.localeCompare(b.regionId) ||
      a.instanceName.localeCompare(b.instanceName),
  );
  return report;
}

export async function loadHardeningReport(cloud: Cloud, options: InventoryOptions): Promise<HardeningReport> {
  return hardeningReportOf(await loadInventory(cloud, options));
}
