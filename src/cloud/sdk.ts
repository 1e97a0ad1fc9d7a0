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
import { readParts } from './deferredAnswer';

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

/** What a product client's generic callApi answers for an RPC action: the JSON body as parsed. */
export interface RpcJson<B> {
  body?: B;
  headers?: Record<string, string>;
  statusCode?: number;
}

/**
 * One RPC action through the product client's own generic `callApi`: the signing, endpoint,
 * credentials and HTTP agent of its typed methods, which build exactly these Params (e.g.
 * describeInstancesWithOptions in @alicloud/ecs20140526). Only the last step differs: the typed
 * methods cast the parsed JSON into response models ($dara.cast), a copy of every field that for
 * a page of 100 instances cost more client CPU than the request itself. Hot listings read the
 * few fields they need from the JSON, with the API's own names.
 */
export function callRpcJson<B>(
  client: Pick<OpenApi.default, 'callApi'>,
  action: string,
  version: string,
  query: Record<string, unknown>,
): Promise<RpcJson<B>> {
  return callRpc<RpcJson<B>>(client, action, version, query, 'json');
}

/**
 * The same call answering the body unread, as the response stream (openapi-core's bodyType
 * "binary"), for an answer read in pieces and parsed later (cloud/deferredAnswer.ts). Error
 * answers are still read and thrown by the SDK.
 */
export async function callRpcParts(
  client: Pick<OpenApi.default, 'callApi'>,
  action: string,
  version: string,
  query: Record<string, unknown>,
): Promise<RpcJson<string[]>> {
  const r = await callRpc<RpcJson<AsyncIterable<Buffer>>>(client, action, version, query, 'binary');
  return { ...r, body: r.body ? await readParts(r.body) : [] };
}

function callRpc<R>(
  client: Pick<OpenApi.default, 'callApi'>,
  action: string,
  version: string,
  query: Record<string, unknown>,
  bodyType: 'json' | 'binary',
): Promise<R> {
  const { $OpenApiUtil, OpenApiUtil } = loadOpenApi();
  const params = new $OpenApiUtil.Params({
    action,
    version,
    protocol: 'HTTPS',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType,
  });
  const defined = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null));
  return client.callApi(
    params,
    new $OpenApiUtil.OpenApiRequest({ query: OpenApiUtil.query(defined) }),
    new (loadDara().RuntimeOptions)({}),
  ) as Promise<R>;
}
