// /api/docs — a browsable reference of the admin API, read from its OpenAPI document (/api/v1/openapi.json): the
// operations by tag, each with its method, path, summary, the API token scope it needs, its parameters, and its
// request and response bodies as nested lists of fields; a search box filters them. Our own page, since the CSP
// allows no inline script or style (swagger-ui needs both).
import { useEffect, useMemo, useState } from 'react';
import {
  docsApi,
  fieldsOf,
  groupByTag,
  operationsOf,
  parameterField,
  searchOperations,
  typeOf,
  variantsOf,
  type DocOperation,
  type FieldView,
  type JsonSchema,
  type OpenApiDocument,
} from '../api/docs';
import { ApiError } from '../api/flow';
import { Shell } from '../components/layout';
import { Loading, Notice } from '../components/notice';
import { CodeBlock } from './admin/applications/code-block';

export function ApiDocsPage() {
  const [document, setDocument] = useState<OpenApiDocument | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  useEffect(() => {
    docsApi.document().then(setDocument, (error: unknown) => setFailure(error instanceof ApiError ? error.message : 'The API description could not be loaded. Reload the page.'));
  }, []);

  const operations = useMemo(() => (document ? operationsOf(document) : []), [document]);
  const groups = useMemo(() => groupByTag(searchOperations(operations, query)), [operations, query]);
  const shown = groups.reduce((count, group) => count + group.operations.length, 0);

  // A link to one operation (#get-api-v1-users) opens it.
  useEffect(() => {
    if (!document || !window.location.hash) return;
    const target = window.document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (target instanceof HTMLDetailsElement) target.open = true;
    target?.scrollIntoView();
  }, [document]);

  return (
    <Shell title="API reference">
      <main className="admin api-docs">
        <h1>{document?.info.title ?? 'Gatehouse admin API'}</h1>
        <Intro document={document} />
        {failure && <Notice kind="error">{failure}</Notice>}
        {!document ? (
          !failure && <Loading />
        ) : (
          <>
            <div className="api-search">
              <div className="field">
                <label htmlFor="api-search">Search operations</label>
                <input id="api-search" type="search" value={query} onChange={(event) => setQuery(event.target.value)} placeholder="users, POST, sessions:write…" autoComplete="off" spellCheck={false} />
              </div>
              <p className="api-count" role="status">
                {shown === operations.length ? `${operations.length} operations` : `${shown} of ${operations.length} operations`}
              </p>
            </div>
            {groups.length > 0 && (
              <nav className="api-tags" aria-label="Areas of the API">
                <ul>
                  {groups.map((group) => (
                    <li key={group.tag}>
                      <a href={`#tag-${group.tag}`}>
                        {group.tag} <span className="api-tag-count">{group.operations.length}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {groups.length === 0 && <p className="empty">No operation matches “{query}”.</p>}
            {groups.map((group) => (
              <section key={group.tag} className="api-group" aria-labelledby={`tag-${group.tag}`}>
                <h2 id={`tag-${group.tag}`}>{group.tag}</h2>
                {group.operations.map((operation) => (
                  <OperationView key={operation.id} operation={operation} document={document} />
                ))}
              </section>
            ))}
          </>
        )}
      </main>
    </Shell>
  );
}

function Intro({ document }: { document: OpenApiDocument | null }) {
  const origin = document?.servers?.[0]?.url ?? window.location.origin;
  return (
    <section className="card panel" aria-labelledby="api-intro-heading">
      <h2 id="api-intro-heading">Using the API</h2>
      <p>Everything the control UI does goes through this API: users, groups, applications, sessions, events, settings and backups.</p>
      <p>
        Scripts and tools use an <strong>API token</strong>: make one in the control UI under{' '}
        <a className="link" href="/admin/tokens">
          API tokens
        </a>
        , with the scopes it needs (each operation below names its scope), and send it in the <code className="inline-code">Authorization</code> header:
      </p>
      <CodeBlock text={`curl -H "Authorization: Bearer gh_…" ${origin}/api/v1/users`} label="example command" />
      <p className="fine-print">
        Answers are JSON. A refusal carries a stable <code className="inline-code">error</code> code, a <code className="inline-code">message</code> for people, and,
        when it concerns one field, that <code className="inline-code">field</code>. Lists are paged: pass the <code className="inline-code">nextCursor</code> of one
        page as <code className="inline-code">cursor</code> to get the next. The machine-readable description is at{' '}
        <a className="link" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>{' '}
        (OpenAPI 3).
      </p>
    </section>
  );
}

function accessOf(operation: DocOperation): string {
  if (operation.scope) return `API token scope: ${operation.scope}`;
  if (operation.path.startsWith('/api/v1/me')) return 'For the signed-in user (the portal); not with API tokens';
  return 'Needs an admin signed in to the control UI; not with API tokens';
}

function OperationView({ operation, document }: { operation: DocOperation; document: OpenApiDocument }) {
  const successes = operation.responses.filter((response) => Number(response.status) < 400);
  const failures = operation.responses.filter((response) => Number(response.status) >= 400);
  return (
    <details className="operation" id={operation.id}>
      <summary>
        <span className={`method method-${operation.method}`}>{operation.method.toUpperCase()}</span>
        <code className="operation-path">{operation.path}</code>
        <span className="operation-summary">{operation.summary}</span>
      </summary>
      <div className="operation-body">
        <p className={operation.scope ? 'operation-scope' : 'operation-scope operation-scope-none'}>{accessOf(operation)}</p>
        {operation.description && operation.description.split(/\n\n+/).map((paragraph) => <p key={paragraph}>{paragraph}</p>)}
        {operation.parameters.length > 0 && (
          <>
            <h3>Parameters</h3>
            <FieldList fields={operation.parameters.map((parameter) => ({ ...parameterField(parameter, document), place: parameter.in }))} answer={false} />
          </>
        )}
        {operation.requestBody && (
          <>
            <h3>
              Request body <span className="muted">({operation.requestBody.contentType})</span>
            </h3>
            <SchemaView schema={operation.requestBody.schema} document={document} answer={false} />
          </>
        )}
        {successes.map((response) => (
          <div key={response.status}>
            <h3>
              Answer {response.status} {response.description && response.description !== 'Default Response' && <span className="muted">— {response.description}</span>}
            </h3>
            {response.schema && typeOf(response.schema, document) !== 'null' ? <SchemaView schema={response.schema} document={document} answer /> : <p className="muted">No body.</p>}
          </div>
        ))}
        {failures.length > 0 && (
          <p className="operation-errors">
            <strong>Refusals:</strong> {failures.map((response) => response.status).join(', ')} — with <code className="inline-code">error</code>,{' '}
            <code className="inline-code">message</code>, <code className="inline-code">requestId</code> and, for one field, <code className="inline-code">field</code>.
          </p>
        )}
      </div>
    </details>
  );
}

/** `answer`: a response's fields are always there unless marked optional, so "required" is not said of each. */
function SchemaView({ schema, document, answer }: { schema: JsonSchema | undefined; document: OpenApiDocument; answer: boolean }) {
  const variants = variantsOf(schema, document);
  const fields = fieldsOf(schema, document);
  const type = typeOf(schema, document);
  if (variants.length > 0) {
    return (
      <div className="schema">
        <p className="schema-type">One of:</p>
        <Variants variants={variants} answer={answer} />
      </div>
    );
  }
  return (
    <div className="schema">
      {(fields.length === 0 || type.startsWith('array')) && <p className="schema-type">{type === 'any' ? 'Any JSON' : type}</p>}
      {fields.length > 0 && <FieldList fields={fields} answer={answer} />}
    </div>
  );
}

function Variants({ variants, answer }: { variants: FieldView['variants']; answer: boolean }) {
  return (
    <ol className="schema-variants">
      {variants.map((variant, index) => (
        <li key={index}>
          <FieldList fields={variant.fields} answer={answer} />
        </li>
      ))}
    </ol>
  );
}

function FieldList({ fields, answer }: { fields: Array<FieldView & { place?: string }>; answer: boolean }) {
  return (
    <ul className="field-tree">
      {fields.map((field) => (
        <li key={`${field.place ?? ''}${field.name}`}>
          <div className="field-line">
            <code className="field-name">{field.name}</code>
            <span className="field-type">{field.type}</span>
            {field.place && <span className="field-place">in {field.place}</span>}
            {field.required ? !answer && <span className="field-required">required</span> : <span className="field-optional">optional</span>}
          </div>
          {(field.description || field.constraints.length > 0) && (
            <p className="field-description">
              {field.description}
              {field.description && field.constraints.length > 0 && ' · '}
              {field.constraints.length > 0 && <span className="field-constraints">{field.constraints.join(', ')}</span>}
            </p>
          )}
          {field.fields.length > 0 && <FieldList fields={field.fields} answer={answer} />}
          {field.variants.length > 0 && (
            <>
              <p className="schema-type">One of:</p>
              <Variants variants={field.variants} answer={answer} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
