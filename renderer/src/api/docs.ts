// The admin API's OpenAPI document (GET /api/v1/openapi.json, built by @fastify/swagger from the routes' own
// schemas), read into what the API reference page shows: operations grouped by tag, each schema as a tree of fields.
import { apiRequest } from './client';

/** The parts of a JSON schema (OpenAPI 3.0 flavour) the reference shows. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  schema?: JsonSchema;
}

interface Content {
  [mediaType: string]: { schema?: JsonSchema };
}

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Content };
  responses?: Record<string, { description?: string; content?: Content }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export const docsApi = {
  document: () => apiRequest<OpenApiDocument>('GET', '/api/v1/openapi.json'),
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof METHODS)[number];

export interface BodyView {
  contentType: string;
  schema: JsonSchema | undefined;
}

export interface DocOperation {
  /** Unique within the page, usable as an element id. */
  id: string;
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  /** The description without the scope sentence. */
  description: string;
  /** The API token scope the operation needs; null when only a signed-in admin (or any signed-in user) may call it. */
  scope: string | null;
  parameters: Parameter[];
  requestBody: (BodyView & { required: boolean }) | null;
  responses: Array<BodyView & { status: string; description: string }>;
}

export interface TagGroup {
  tag: string;
  operations: DocOperation[];
}

/** The sentence server/src/admin/openapi.ts adds to the description of every operation a token may call. */
const SCOPE_SENTENCE = /\s*API token scope: `([^`]+)`\.\s*/;

function firstBody(content: Content | undefined): BodyView | null {
  if (!content) return null;
  const [contentType, media] = Object.entries(content)[0] ?? [];
  return contentType ? { contentType, schema: media?.schema } : null;
}

export function operationsOf(document: OpenApiDocument): DocOperation[] {
  const operations: DocOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const description = operation.description ?? '';
      const scope = SCOPE_SENTENCE.exec(description)?.[1] ?? null;
      const body = firstBody(operation.requestBody?.content);
      operations.push({
        id: `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, ''),
        method,
        path,
        tag: operation.tags?.[0] ?? 'other',
        summary: operation.summary ?? '',
        description: description.replace(SCOPE_SENTENCE, ' ').trim(),
        scope,
        parameters: operation.parameters ?? [],
        requestBody: body && { ...body, required: operation.requestBody?.required ?? false },
        responses: Object.entries(operation.responses ?? {}).map(([status, response]) => ({
          status,
          description: response.description ?? '',
          contentType: firstBody(response.content)?.contentType ?? '',
          schema: firstBody(response.content)?.schema,
        })),
      });
    }
  }
  return operations;
}

/** Operations grouped by their first tag, tags in alphabetical order, operations by path then method. */
export function groupByTag(operations: DocOperation[]): TagGroup[] {
  const groups = new Map<string, DocOperation[]>();
  for (const operation of operations) groups.set(operation.tag, [...(groups.get(operation.tag) ?? []), operation]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, list]) => ({
      tag,
      operations: list.sort((a, b) => a.path.localeCompare(b.path) || METHODS.indexOf(a.method) - METHODS.indexOf(b.method)),
    }));
}

/** Operations whose method, path, summary, tag, scope or description contain every word of the query. */
export function searchOperations(operations: DocOperation[], query: string): DocOperation[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return operations;
  return operations.filter((operation) => {
    const text = [operation.method, operation.path, operation.summary, operation.tag, operation.scope ?? '', operation.description].join(' ').toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** A field of a schema as the reference lists it: its name, a readable type, what limits it, and its own fields. */
export interface FieldView {
  name: string;
  type: string;
  required: boolean;
  description: string;
  constraints: string[];
  fields: FieldView[];
  /** The shapes a union may take, each with its own fields (e.g. one answer per kind). */
  variants: Array<{ type: string; fields: FieldView[] }>;
}

/** Follows a local $ref (#/components/schemas/…), once per level; an unknown one stays as it is. */
export function resolveRef(schema: JsonSchema | undefined, document: OpenApiDocument): JsonSchema | undefined {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref)?.[1];
    const target = name ? document.components?.schemas?.[decodeURIComponent(name)] : undefined;
    if (!target) break;
    current = { ...target, description: current.description ?? target.description };
  }
  return current;
}

function literal(value: unknown): string {
  return JSON.stringify(value);
}

/** The union members of a schema, with `null` taken out (a nullable field is "string or null", not a union). */
function unionOf(schema: JsonSchema): { members: JsonSchema[]; nullable: boolean } | null {
  const members = schema.anyOf ?? schema.oneOf;
  if (!members) return null;
  const nonNull = members.filter((member) => member.type !== 'null');
  return { members: nonNull, nullable: nonNull.length < members.length };
}

/** The type of a schema in words: "string (date-time)", "array of object", "\"oidc\"", "integer or null". */
export function typeOf(schema: JsonSchema | undefined, document: OpenApiDocument): string {
  const resolved = resolveRef(schema, document);
  if (!resolved) return 'any';
  if (resolved.const !== undefined) return literal(resolved.const);
  if (resolved.enum) return resolved.enum.map(literal).join(' | ');
  const union = unionOf(resolved);
  if (union) {
    const types = [...new Set(union.members.map((member) => typeOf(member, document)))];
    if (union.nullable) types.push('null');
    return types.join(' | ');
  }
  if (resolved.allOf) return 'object';
  const types = Array.isArray(resolved.type) ? resolved.type : resolved.type ? [resolved.type] : resolved.properties ? ['object'] : ['any'];
  const text = types
    .map((type) => (type === 'array' ? `array of ${typeOf(resolved.items, document)}` : type))
    .map((type) => (resolved.format && !type.startsWith('array') ? `${type} (${resolved.format})` : type))
    .join(' | ');
  return resolved.nullable ? `${text} | null` : text;
}

function constraintsOf(schema: JsonSchema): string[] {
  const found: string[] = [];
  if (schema.minLength !== undefined && schema.maxLength !== undefined) found.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.minLength !== undefined) found.push(`at least ${schema.minLength} characters`);
  else if (schema.maxLength !== undefined) found.push(`at most ${schema.maxLength} characters`);
  if (schema.minimum !== undefined && schema.maximum !== undefined) found.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) found.push(`≥ ${schema.minimum}`);
  else if (schema.maximum !== undefined) found.push(`≤ ${schema.maximum}`);
  if (schema.minItems !== undefined) found.push(`at least ${schema.minItems} items`);
  if (schema.maxItems !== undefined) found.push(`at most ${schema.maxItems} items`);
  if (schema.pattern) found.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) found.push(`default ${literal(schema.default)}`);
  return found;
}

/** How deep nested fields are listed: deeper levels are rare and would only repeat shapes. */
const MAX_DEPTH = 6;

/** The fields of an object schema (its properties, also through allOf), each with its own fields in turn. */
export function fieldsOf(schema: JsonSchema | undefined, document: OpenApiDocument, depth = 0): FieldView[] {
  const resolved = resolveRef(schema, document);
  if (!resolved || depth > MAX_DEPTH) return [];
  if (resolved.allOf) return resolved.allOf.flatMap((part) => fieldsOf(part, document, depth));
  if (resolved.type === 'array' || resolved.items) return fieldsOf(resolved.items, document, depth);
  const union = unionOf(resolved);
  if (union && union.members.length === 1) return fieldsOf(union.members[0], document, depth);
  const required = new Set(resolved.required ?? []);
  return Object.entries(resolved.properties ?? {}).map(([name, property]) => fieldOf(name, property, required.has(name), document, depth + 1));
}

/** The shapes of a union whose members are objects (a field, or a whole body, that takes one of several forms). */
export function variantsOf(schema: JsonSchema | undefined, document: OpenApiDocument, depth = 0): FieldView['variants'] {
  let resolved = resolveRef(schema, document);
  if (resolved && (resolved.type === 'array' || resolved.items)) resolved = resolveRef(resolved.items, document);
  const union = resolved && unionOf(resolved);
  if (!union || union.members.length < 2) return [];
  return union.members
    .map((member) => ({ type: typeOf(member, document), fields: fieldsOf(member, document, depth) }))
    .filter((variant) => variant.fields.length > 0);
}

function fieldOf(name: string, schema: JsonSchema, required: boolean, document: OpenApiDocument, depth: number): FieldView {
  const resolved = resolveRef(schema, document) ?? {};
  const variants = variantsOf(resolved, document, depth);
  return {
    name,
    type: typeOf(resolved, document),
    required,
    description: resolved.description ?? '',
    constraints: constraintsOf(resolved),
    fields: variants.length > 0 ? [] : fieldsOf(resolved, document, depth),
    variants,
  };
}

/** A parameter as a field: its place (path, query) in front of its description. */
export function parameterField(parameter: Parameter, document: OpenApiDocument): FieldView {
  const field = fieldOf(parameter.name, parameter.schema ?? {}, parameter.required ?? parameter.in === 'path', document, 1);
  return { ...field, description: parameter.description ?? field.description };
}
