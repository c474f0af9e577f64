import type { ReactNode } from 'react';
import { checkExpression, foldedStatistics, incomingReferences, keyColumns, noClassifications, partitionsByRoot, tablesById, type ClassificationLookup } from '@/lib/erd/model-helpers';
import { inferRelationships } from '@/lib/erd/inferred';
import type { Column, SchemaModel, Table } from '@/lib/introspect/schema-model';
import { humanBytes, plural, rowEstimateText } from './format';

/**
 * Everything introspection knows about one table, as sections. Shared by the ERD side panel
 * (narrow, `panel`) and the table's own server-rendered page (`page`); how a reference to
 * another table is drawn (a jump button, a link) is the caller's.
 */
export interface TableDetailsProps {
  model: SchemaModel;
  table: Table;
  variant: 'panel' | 'page';
  tableRef: (id: string) => ReactNode;
  /** Classification tags from the project's policies (PII, FERPA, financial, secret). */
  classify?: ClassificationLookup;
  /** The table's retention policy in words (the page links it to the Retention page); omitted in the panel. */
  retention?: ReactNode;
}

const KIND_TEXT: Record<Table['kind'], string> = {
  table: 'Table',
  partitioned: 'Partitioned table',
  partition: 'Partition',
  foreign: 'Foreign table',
};

export function TableDetails({ model, table, variant, tableRef, classify = noClassifications, retention }: TableDetailsProps) {
  const byId = tablesById(model);
  const folded = partitionsByRoot(model).get(table.id) ?? [];
  const stats = foldedStatistics(table, folded);
  const incoming = incomingReferences(model.tables).get(table.id) ?? [];
  const keys = keyColumns(table);
  const outgoing = table.foreignKeys.filter((fk) => !fk.inherited);
  // Apart from the keys: what the column names suggest, both ways (lib/erd/inferred.ts says how).
  const inferred = inferRelationships(model).filter(
    (r) => r.table === table.id || r.references?.table === table.id || r.candidates.includes(table.id),
  );
  return (
    <div className="flex flex-col gap-6">
      <Section title="Overview">
        <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1.5 text-sm">
          <Fact label="Kind">{KIND_TEXT[table.kind]}</Fact>
          <Fact label="Classification">
            {classify(table.id).length ? <Tags tags={classify(table.id)} /> : <span className="text-zinc-500">none declared</span>}
          </Fact>
          {retention !== undefined && <Fact label="Retention">{retention}</Fact>}
          <Fact label="Rows (estimate)">
            <span title="pg_class.reltuples, refreshed by ANALYZE and autovacuum — not a count">{rowEstimateText(stats.rowEstimate)}</span>
          </Fact>
          <Fact label="Size on disk">
            <span title="Table, indexes and TOAST">{humanBytes(stats.totalBytes)}</span>
            {folded.length > 0 && <span className="text-zinc-500"> across {plural(folded.length, 'partition')}</span>}
          </Fact>
          {table.persistence !== 'permanent' && <Fact label="Persistence">{table.persistence}</Fact>}
          <Fact label="Row-level security">{table.rlsEnabled ? (table.rlsForced ? 'enabled, forced' : 'enabled') : 'off'}</Fact>
          {table.partitionKey && <Fact label="Partitioned by">{mono(table.partitionKey)}</Fact>}
          {table.partitionOf && (
            <Fact label="Partition of">
              {tableRef(table.partitionOf)} {table.partitionBound && <span className="font-mono text-xs text-zinc-600">{table.partitionBound}</span>}
            </Fact>
          )}
        </dl>
        {table.comment && <p className="mt-3 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700">{table.comment}</p>}
      </Section>

      <Section title={`Columns (${table.columns.length})`}>
        {variant === 'page' ? <ColumnTable table={table} keys={keys} classify={classify} /> : <ColumnList table={table} keys={keys} classify={classify} />}
      </Section>

      <Section title="Primary key">
        {table.primaryKey ? (
          <p className="text-sm">
            {mono(table.primaryKey.columns.join(', '))} <span className="text-zinc-500">({table.primaryKey.name})</span>
          </p>
        ) : (
          <Empty>No primary key.</Empty>
        )}
      </Section>

      <Section title={`References (${outgoing.length})`}>
        {outgoing.length === 0 ? (
          <Empty>This table references no other table.</Empty>
        ) : (
          <ul className="flex flex-col gap-2" aria-label="Outgoing foreign keys">
            {outgoing.map((fk) => (
              <li key={fk.name} className="text-sm" data-testid="fk-out">
                {mono(fk.columns.join(', '))} → {tableRef(fk.references.table)} {mono(`(${fk.references.columns.join(', ')})`)}
                <Note>
                  {fk.name} · on delete {fk.onDelete} · on update {fk.onUpdate}
                  {fk.columns.length > 1 ? ' · multi-column' : ''}
                  {fk.deferrable ? (fk.initiallyDeferred ? ' · deferrable, initially deferred' : ' · deferrable') : ''}
                  {!fk.validated ? ' · NOT VALID' : ''}
                </Note>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={`Referenced by (${incoming.length})`}>
        {incoming.length === 0 ? (
          <Empty>No table references this one.</Empty>
        ) : (
          <ul className="flex flex-col gap-2" aria-label="Incoming foreign keys">
            {incoming.map(({ table: from, foreignKey: fk }) => (
              <li key={`${from.id}:${fk.name}`} className="text-sm" data-testid="fk-in">
                {tableRef(from.id)} {mono(`(${fk.columns.join(', ')})`)} → {mono(fk.references.columns.join(', '))}
                <Note>
                  {fk.name} · on delete {fk.onDelete}
                </Note>
              </li>
            ))}
          </ul>
        )}
      </Section>

      {inferred.length > 0 && (
        <Section title={`Inferred relationships (${inferred.length})`}>
          <ul className="flex flex-col gap-2" aria-label="Inferred relationships">
            {inferred.map((r) => (
              <li key={r.id} className="text-sm" data-testid="inferred-rel">
                {r.table === table.id ? (
                  <>
                    {mono(r.columns.join(', '))} →{' '}
                    {r.references ? (
                      <>
                        {tableRef(r.references.table)} {mono(`(${r.references.columns.join(', ')})`)}
                      </>
                    ) : r.candidates.length > 0 ? (
                      <>one of {r.candidates.map((id, i) => <span key={id}>{i > 0 && ', '}{tableRef(id)}</span>)}</>
                    ) : (
                      <span className="text-zinc-600">a table its type column names</span>
                    )}
                  </>
                ) : (
                  <>
                    {tableRef(r.table)} {mono(`(${r.columns.join(', ')})`)} → this table
                  </>
                )}
                <Note>
                  inferred, no foreign key declares it · {r.reason}
                </Note>
              </li>
            ))}
          </ul>
        </Section>
      )}

      <Section title={`Indexes (${table.indexes.length})`}>
        {table.indexes.length === 0 ? (
          <Empty>No indexes.</Empty>
        ) : (
          <ul className="flex flex-col gap-2">
            {table.indexes.map((index) => (
              <li key={index.name} className="text-sm">
                <span className="font-mono font-medium">{index.name}</span>
                <span className="text-zinc-500">
                  {' '}
                  · {index.method}
                  {index.primary ? ' · primary' : index.unique ? ' · unique' : ''}
                  {index.predicate ? ' · partial' : ''}
                  {!index.valid ? ' · INVALID' : ''}
                </span>
                <code className="mt-1 block rounded bg-zinc-50 px-2 py-1 font-mono text-xs break-words whitespace-pre-wrap text-zinc-700">{index.definition}</code>
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title="Constraints">
        {table.uniqueConstraints.length + table.checkConstraints.length + table.exclusionConstraints.length === 0 ? (
          <Empty>No unique, check or exclusion constraints.</Empty>
        ) : (
          <ul className="flex flex-col gap-2 text-sm">
            {table.uniqueConstraints.map((u) => (
              <li key={u.name}>
                <Tag>unique</Tag> {mono(u.columns.join(', '))} <span className="text-zinc-500">({u.name}{u.nullsNotDistinct ? ', nulls not distinct' : ''})</span>
              </li>
            ))}
            {table.checkConstraints.map((c) => (
              <li key={c.name}>
                <Tag>check</Tag> <span className="font-mono text-xs break-words">{checkExpression(c.definition)}</span>{' '}
                <span className="text-zinc-500">({c.name}{c.validated ? '' : ', NOT VALID'})</span>
              </li>
            ))}
            {table.exclusionConstraints.map((x) => (
              <li key={x.name}>
                <Tag>exclude</Tag> <span className="font-mono text-xs break-words">{x.definition}</span> <span className="text-zinc-500">({x.name})</span>
              </li>
            ))}
          </ul>
        )}
      </Section>

      {(table.partitions.length > 0 || table.kind === 'partitioned') && (
        <Section title={`Partitions (${table.partitions.length})`}>
          {table.partitions.length === 0 ? (
            <Empty>No partitions attached yet.</Empty>
          ) : (
            <ul className="flex flex-col gap-1 text-sm">
              {table.partitions.map((id) => {
                const part = byId.get(id);
                return (
                  <li key={id}>
                    {tableRef(id)} {part?.partitionBound && <span className="font-mono text-xs text-zinc-600">{part.partitionBound}</span>}
                    {part && <span className="text-zinc-500"> · {rowEstimateText(part.rowEstimate)} · {humanBytes(part.totalBytes)}</span>}
                  </li>
                );
              })}
            </ul>
          )}
        </Section>
      )}

      {table.policies.length > 0 && (
        <Section title={`Row-level security policies (${table.policies.length})`}>
          <ul className="flex flex-col gap-2 text-sm">
            {table.policies.map((p) => (
              <li key={p.name}>
                <span className="font-mono font-medium">{p.name}</span>{' '}
                <span className="text-zinc-500">
                  · {p.command} · {p.permissive ? 'permissive' : 'restrictive'} · to {p.roles.join(', ') || 'public'}
                </span>
                {p.using && <code className="mt-1 block font-mono text-xs text-zinc-700">using {p.using}</code>}
                {p.withCheck && <code className="mt-1 block font-mono text-xs text-zinc-700">with check {p.withCheck}</code>}
              </li>
            ))}
          </ul>
        </Section>
      )}
    </div>
  );
}

type Keys = ReturnType<typeof keyColumns>;

function ColumnList({ table, keys, classify }: { table: Table; keys: Keys; classify: ClassificationLookup }) {
  return (
    <ul className="flex flex-col divide-y divide-zinc-100 rounded-md border border-zinc-200" aria-label="Columns">
      {table.columns.map((column) => (
        <li key={column.name} className="px-3 py-2" data-testid="panel-column" data-column={column.name}>
          <div className="flex items-baseline gap-2">
            <span className="font-mono text-sm font-medium text-zinc-900">{column.name}</span>
            <span className="font-mono text-xs text-zinc-600">{column.type}</span>
            <span className="ml-auto flex shrink-0 gap-1">
              <KeyTags name={column.name} keys={keys} />
              <Tags tags={classify(table.id, column.name)} />
              <span className={`text-[11px] ${column.nullable ? 'text-zinc-500' : 'font-medium text-zinc-700'}`}>{column.nullable ? 'nullable' : 'not null'}</span>
            </span>
          </div>
          <ColumnExtras column={column} />
        </li>
      ))}
    </ul>
  );
}

function ColumnTable({ table, keys, classify }: { table: Table; keys: Keys; classify: ClassificationLookup }) {
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200">
      <table className="w-full text-left text-sm">
        <thead className="bg-zinc-50 text-xs tracking-wide text-zinc-500 uppercase">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">#</th>
            <th scope="col" className="px-3 py-2 font-medium">Name</th>
            <th scope="col" className="px-3 py-2 font-medium">Type</th>
            <th scope="col" className="px-3 py-2 font-medium">Keys</th>
            <th scope="col" className="px-3 py-2 font-medium">Classification</th>
            <th scope="col" className="px-3 py-2 font-medium">Nullable</th>
            <th scope="col" className="px-3 py-2 font-medium">Default · identity · generated</th>
            <th scope="col" className="px-3 py-2 font-medium">Comment</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {table.columns.map((c) => (
            <tr key={c.name} data-column={c.name}>
              <td className="px-3 py-1.5 text-zinc-500 tabular-nums">{c.position}</td>
              <td className="px-3 py-1.5 font-mono font-medium">{c.name}</td>
              <td className="px-3 py-1.5 font-mono text-xs">
                {c.type}
                {c.collation && <span className="text-zinc-500"> collate {c.collation}</span>}
              </td>
              <td className="px-3 py-1.5"><span className="flex gap-1"><KeyTags name={c.name} keys={keys} /></span></td>
              <td className="px-3 py-1.5"><Tags tags={classify(table.id, c.name)} /></td>
              <td className="px-3 py-1.5">{c.nullable ? 'yes' : <span className="font-medium">not null</span>}</td>
              <td className="px-3 py-1.5 font-mono text-xs break-all">{defaultText(c) ?? <span className="text-zinc-400">—</span>}</td>
              <td className="px-3 py-1.5 text-zinc-700">{c.comment ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ColumnExtras({ column }: { column: Column }) {
  const text = defaultText(column);
  if (!text && !column.comment && !column.collation && !column.enumType) return null;
  return (
    <div className="mt-1 flex flex-col gap-0.5 text-xs text-zinc-600">
      {text && <span className="font-mono break-all">{text}</span>}
      {column.enumType && <span>enum {column.enumType}</span>}
      {column.collation && <span>collation {column.collation}</span>}
      {column.comment && <span className="text-zinc-700">{column.comment}</span>}
    </div>
  );
}

function defaultText(c: Column): string | null {
  if (c.identity) return `generated ${c.identity} as identity`;
  if (c.generated) return `generated always as (${c.generated})`;
  if (c.default) return `default ${c.default}`;
  return null;
}

function KeyTags({ name, keys }: { name: string; keys: Keys }) {
  return (
    <>
      {keys.primary.has(name) && <Tag tone="amber">PK</Tag>}
      {keys.foreign.has(name) && <Tag tone="sky">FK</Tag>}
      {keys.unique.has(name) && !keys.primary.has(name) && <Tag tone="violet">unique</Tag>}
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-zinc-500 uppercase">{title}</h3>
      {children}
    </section>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500">{label}</dt>
      <dd className="text-zinc-900">{children}</dd>
    </>
  );
}

const TAG_TONES = { zinc: 'bg-zinc-100 text-zinc-700', amber: 'bg-amber-100 text-amber-800', sky: 'bg-sky-100 text-sky-800', violet: 'bg-violet-100 text-violet-800' };

function Tag({ children, tone = 'zinc' }: { children: ReactNode; tone?: keyof typeof TAG_TONES }) {
  return <span className={`rounded px-1 py-px text-[10px] font-semibold uppercase ${TAG_TONES[tone]}`}>{children}</span>;
}

function Note({ children }: { children: ReactNode }) {
  return <span className="block text-xs text-zinc-500">{children}</span>;
}

function Empty({ children }: { children: ReactNode }) {
  return <p className="text-sm text-zinc-500">{children}</p>;
}

function mono(text: string) {
  return <span className="font-mono text-[13px]">{text}</span>;
}

/** Classification tags, sensitive ones in red. */
function Tags({ tags }: { tags: string[] }) {
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="classification">
      {tags.map((tag) => (
        <span key={tag} className={`rounded px-1 text-[11px] font-semibold ring-1 ring-inset ${tag === 'secret' || tag === 'FERPA' ? 'bg-red-50 text-red-800 ring-red-600/30' : 'bg-violet-50 text-violet-800 ring-violet-600/30'}`}>
          {tag}
        </span>
      ))}
    </span>
  );
}
