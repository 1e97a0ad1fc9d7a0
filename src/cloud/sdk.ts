/**
 * The only place that loads Alibaba SDK modules, each on first use. esbuild maps these requires
 * to separate bundles (dist/sdk/*.js), so activation never pays for them.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as RamSdk from '@alicloud/ram20150501';
import type * as EcsSdk from '@alicloud/ecs20140526';
import type * as StsSdk from '@alicloud/sts20150401';
import type * as OpenApi from '@alicloud/openapi-core';
import type * as Dara from '@darabonba/typescript';
import type * as Credentials from '@alicloud/credentials';
import type OSS from 'ali-oss';

export const loadRamSdk = (): typeof RamSdk => require('@alicloud/ram20150501');
export const loadEcsSdk = (): typeof EcsSdk => require('@alicloud/ecs20140526');
export const loadStsSdk = (): typeof StsSdk => require('@alicloud/sts20150401');
export const loadOpenApi = (): typeof OpenApi => require('@alicloud/openapi-core');
export const loadDara = (): typeof Dara => require('@darabonba/typescript');
export const loadCredentials = (): typeof Credentials => require('@alicloud/credentials');
export const loadOss = (): typeof OSS => require('ali-oss');

/** The SDK bundles a view needs, loaded ahead of its first call (when the view becomes visible). */
export const SDKS_FOR_VIEW: Record<'identity' | 'ram' | 'ecs' | 'oss', Array<() => unknown>> = {
  identity: [loadStsSdk, loadCredentials],
  ram: [loadRamSdk, loadCredentials],
  ecs: [loadEcsSdk, loadCredentials],
  oss: [loadOss],
};
