/** RAM policy documents as Alibaba Cloud defines them (Version "1"). */

export type OneOrMany<T> = T | T[];

export type ConditionValue = string | number | boolean;
/** Condition block: operator -> key -> value(s), e.g. { StringLike: { 'oss:Prefix': ['logs/*'] } }. */
export type ConditionBlock = Record<string, Record<string, OneOrMany<ConditionValue>>>;

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Principal?: { Service?: OneOrMany<string>; RAM?: OneOrMany<string>; Federated?: OneOrMany<string> } | '*';
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** A policy as seen by an evaluator: its name (for explanations) and its parsed document. */
export interface NamedPolicy {
  name: string;
  type?: 'System' | 'Custom';
  document: PolicyDocument;
}

/** One request to authorize. `conditions` holds request context keys (acs:SourceIp, oss:Prefix, …). */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  conditions?: Record<string, string | string[] | undefined>;
}

export interface StatementRef {
  policyName: string;
  policyType?: 'System' | 'Custom';
  index: number;
  statement: PolicyStatement;
}

export type Decision =
  | { effect: 'Allow'; matched: StatementRef }
  | { effect: 'ExplicitDeny'; matched: StatementRef }
  | { effect: 'ImplicitDeny' };
