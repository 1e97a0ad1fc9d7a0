/**
 * DescribePrice (ECS 2014-05-26), ResourceType=instance only: the price of an instance type with
 * its system disk. Shape from the API reference
 * (https://help.aliyun.com/en/ecs/developer-reference/api-ecs-2014-05-26-describeprice):
 * PriceInfo.Price.{OriginalPrice, DiscountPrice, TradePrice, Currency, DetailInfos.DetailInfo[]}
 * and PriceInfo.Rules.Rule[]; InstanceType is required with ResourceType=instance; PriceUnit is
 * Hour (default), Week, Month or Year; SystemDisk.Category defaults to cloud_efficiency.
 *
 * The figures are illustrative, not Alibaba's price list: a rate per vCPU and per GiB of memory by
 * family (burstable t-families cheaper), plus the system disk per GiB, in CNY. They are stable so
 * tests and screenshots can name them.
 */
import { SandboxError } from '../core/errors';
import type { RpcAction, RpcBody, RpcContext } from './product';

const err = (code: string, status: number, message: string) => new SandboxError(code, status, message);

/** CNY per hour: per vCPU and per GiB of memory. */
const FAMILY_RATES: Array<[prefix: RegExp, cpu: number, gib: number]> = [
  [/^ecs\.t\d/, 0.045, 0.012],
  [/^ecs\.c\d/, 0.11, 0.025],
  [/^ecs\.r\d/, 0.1, 0.03],
];
const DEFAULT_RATE: [cpu: number, gib: number] = [0.1, 0.028];

/** CNY per GiB-hour of system disk, by category (the categories SystemDisk.Category lists). */
const DISK_RATES: Record<string, number> = {
  cloud: 0.0004,
  cloud_efficiency: 0.0005,
  cloud_ssd: 0.0014,
  cloud_essd: 0.0015,
  cloud_auto: 0.0015,
  cloud_essd_entry: 0.001,
};

const HOURS: Record<string, number> = { Hour: 1, Week: 168, Month: 730, Year: 8760 };
/** Subscription units come with the usual long-term discount; pay-as-you-go hours with none. */
const DISCOUNT: Record<string, number> = { Hour: 0, Week: 0.05, Month: 0.15, Year: 0.3 };

const money = (n: number) => Math.round(n * 1000) / 1000;

function describePrice(ctx: RpcContext): RpcBody {
  const p = ctx.params;
  const regionId = p.required('RegionId');
  if (!ctx.state.regions.some((r) => r.regionId === regionId)) {
    throw err('InvalidRegionId.NotFound', 404, 'The specified RegionId does not exist.');
  }
  const resourceType = p.str('ResourceType') ?? 'instance';
  if (resourceType !== 'instance') {
    // The sandbox prices instances only; it says so rather than inventing a disk or bandwidth price.
    throw err('InvalidResourceType.NotSupported', 400, 'The sandbox prices ResourceType "instance" only.');
  }
  const typeId = p.required('InstanceType');
  const type = ctx.state.instanceTypes.find((t) => t.instanceTypeId === typeId);
  if (!type) {
    throw err(
      'InvalidInstanceType.ValueNotSupported',
      400,
      'The specified InstanceType does not exist or beyond the permitted range.',
    );
  }
  const unit = p.str('PriceUnit') ?? 'Hour';
  if (!(unit in HOURS)) {
    throw err('InvalidPriceUnit.ValueNotSupported', 400, 'The specified parameter "PriceUnit" is not valid.');
  }
  const category = p.str('SystemDisk.Category') ?? 'cloud_efficiency';
  const diskRate = DISK_RATES[category];
  if (diskRate === undefined) {
    throw err(
      'InvalidSystemDiskCategory.ValueNotSupported',
      400,
      'The specified parameter "SystemDisk.Category" is not valid.',
    );
  }
  const diskSize = p.int('SystemDisk.Size', { min: 20, max: 2048 }) ?? 40;
  const family = FAMILY_RATES.find(([re]) => re.test(type.instanceTypeId));
  const [cpuRate, gibRate] = family ? [family[1], family[2]] : DEFAULT_RATE;
  const hours = HOURS[unit];
  const parts = [
    { resource: 'instanceType', original: (type.cpuCoreCount * cpuRate + type.memorySize * gibRate) * hours },
    { resource: 'systemDisk', original: diskSize * diskRate * hours },
  ].map((x) => {
    const discount = x.original * DISCOUNT[unit];
    return { ...x, discount, trade: x.original - discount };
  });
  const sum = (f: (x: (typeof parts)[number]) => number) => money(parts.reduce((a, x) => a + f(x), 0));
  return {
    PriceInfo: {
      Price: {
        OriginalPrice: sum((x) => x.original),
        DiscountPrice: sum((x) => x.discount),
        TradePrice: sum((x) => x.trade),
        Currency: 'CNY',
        DetailInfos: {
          DetailInfo: parts.map((x) => ({
            Resource: x.resource,
            OriginalPrice: money(x.original),
            DiscountPrice: money(x.discount),
            TradePrice: money(x.trade),
            SubRules: { Rule: [] },
          })),
        },
      },
      Rules: { Rule: [] },
    },
  };
}

export const priceActions: Record<string, RpcAction> = {
  DescribePrice: { handle: describePrice },
};
