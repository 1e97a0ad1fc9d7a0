/**
 * The input of every chat tool, once: package.json `languageModelTools[].inputSchema` must say the
 * same (test/integration/agent-tools.test.ts), and each tool validates its input with this spec before
 * it runs, so a caller that skips the schema (lm.invokeTool from any extension) gets a clear refusal.
 * No `vscode` here: the node tests load it.
 */
export type InputType = 'string' | 'boolean' | 'integer' | 'object';

export interface InputProperty {
  type: InputType;
  enum?: readonly string[];
}

export interface ToolInput {
  properties: Record<string, InputProperty>;
  required: readonly string[];
}

/** Tool name (as contributed) → its input. proposeLeastPrivilege waits for the right-size feature. */
export const TOOL_INPUTS = {
  alibabaCloud_whoAmI: { properties: {}, required: [] },
  alibabaCloud_listRoles: {
    properties: { nameContains: { type: 'string' }, ecsTrustedOnly: { type: 'boolean' }, page: { type: 'integer' } },
    required: [],
  },
  alibabaCloud_describeRole: { properties: { roleName: { type: 'string' } }, required: ['roleName'] },
  alibabaCloud_findInstances: {
    properties: {
      query: { type: 'string' },
      tag: { type: 'string' },
      status: { type: 'string' },
      regionId: { type: 'string' },
      page: { type: 'integer' },
    },
    required: [],
  },
  alibabaCloud_checkAccess: {
    properties: {
      identityKind: { type: 'string', enum: ['role', 'user'] },
      identityName: { type: 'string' },
      action: { type: 'string' },
      resource: { type: 'string' },
      context: { type: 'object' },
    },
    required: ['action', 'resource'],
  },
  alibabaCloud_explainAccessDenied: { properties: { errorText: { type: 'string' } }, required: ['errorText'] },
  alibabaCloud_diagnoseInstanceCredentials: {
    properties: { instanceId: { type: 'string' }, regionId: { type: 'string' }, bucket: { type: 'string' } },
    required: [],
  },
} as const satisfies Record<string, ToolInput>;

export type ToolName = keyof typeof TOOL_INPUTS;

const typeOk = (type: InputType, v: unknown): boolean => {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return Number.isInteger(v);
    case 'object':
      return !!v && typeof v === 'object' && !Array.isArray(v);
  }
};

/** The problems of `input` against the spec (English: they go back to the model), empty when valid. */
export function inputProblems(spec: ToolInput, input: unknown): string[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return ['the input must be an object'];
  }
  const o = input as Record<string, unknown>;
  const out: string[] = [];
  for (const key of spec.required) {
    if (o[key] === undefined || o[key] === '') {
      out.push(`"${key}" is required`);
    }
  }
  for (const [key, value] of Object.entries(o)) {
    const p = spec.properties[key];
    if (!p) {
      out.push(`unknown property "${key}"`);
      continue;
    }
    if (value === undefined) {
      continue;
    }
    if (!typeOk(p.type, value)) {
      out.push(`"${key}" must be of type ${p.type}`);
      continue;
    }
    if (p.enum && !p.enum.includes(value as string)) {
      out.push(`"${key}" must be one of ${p.enum.join(', ')}`);
    }
  }
  return out;
}
