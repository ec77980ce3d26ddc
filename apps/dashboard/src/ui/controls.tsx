import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import { hasNextPage, pageInfo } from '../lib/paging';

/** A labelled control: the label names it for screen readers and for `getByLabel`. */
export function Field(props: { label: string; hint?: string; children: (id: string) => ComponentChildren }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children(id)}
      {props.hint && <small class="hint">{props.hint}</small>}
    </div>
  );
}

export function Alert({ message }: { message: string | null | undefined }) {
  return message ? (
    <p role="alert" class="alert">
      {message}
    </p>
  ) : null;
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(props: {
  label: string;
  value: string;
  options: Option[];
  onChange: (value: string) => void;
  required?: boolean;
}) {
  return (
    <Field label={props.label}>
      {(id) => (
        <select
          id={id}
          value={props.value}
          required={props.required}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function DateField(props: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field label={props.label}>
      {(id) => (
        <input
          id={id}
          type="date"
          value={props.value}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** "Previous page", "Next page" and "1–50 of 123". */
export function Pager(props: {
  offset: number;
  rows: number;
  total: number;
  pageSize: number;
  onOffset: (offset: number) => void;
}) {
  const { offset, rows, total, pageSize } = props;
  return (
    <div class="pager">
      <button
        type="button"
        disabled={offset === 0}
        onClick={() => props.onOffset(Math.max(0, offset - pageSize))}
      >
        Previous page
      </button>
      <span data-testid="page-info" aria-live="polite">
        {pageInfo(offset, rows, total)}
      </span>
      <button
        type="button"
        disabled={!hasNextPage(offset, rows, total)}
        onClick={() => props.onOffset(offset + pageSize)}
      >
        Next page
      </button>
    </div>
  );
}

/** A table that scrolls sideways on narrow screens and can be scrolled by keyboard. */
export function TableWrap(props: { label: string; maxHeight?: string; children: ComponentChildren }) {
  const { label, maxHeight, children } = props;
  return (
    <div
      class="table-wrap"
      role="region"
      aria-label={label}
      tabIndex={0}
      style={maxHeight ? { '--table-height': maxHeight } : undefined}
    >
      {children}
    </div>
  );
}

export const dash = (v: string | number | null | undefined): string =>
  v === null || v === undefined || v === '' ? '—' : String(v);
