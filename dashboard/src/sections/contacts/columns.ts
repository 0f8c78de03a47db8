// The contacts table's optional columns, the user's choice kept in this browser.
import { useState } from "react";
import type { CustomField } from "./crm";

export const BUILT_IN_COLUMNS = [
  "phone",
  "email",
  "user_id",
  "tags",
  "owner",
  "lifecycle",
  "source",
  "language",
  "last_inbound",
  "created",
] as const;
export type BuiltInColumn = (typeof BUILT_IN_COLUMNS)[number];
/** A built-in column, or `field:<key>` for a custom field. */
export type ColumnId = BuiltInColumn | `field:${string}`;

export const DEFAULT_COLUMNS: ColumnId[] = ["phone", "email", "tags", "lifecycle", "created"];
export const COLUMNS_KEY = "mia.contacts.columns";

function stored(): ColumnId[] {
  try {
    const raw = localStorage.getItem(COLUMNS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === "string")) {
      return parsed as ColumnId[];
    }
  } catch {
    // A damaged or foreign value: the defaults.
  }
  return DEFAULT_COLUMNS;
}

/** The chosen columns, in the table's order (built-ins first, then fields by position). */
export function useColumns(fields: CustomField[]) {
  const [chosen, setChosen] = useState<ColumnId[]>(stored);
  const available: ColumnId[] = [
    ...BUILT_IN_COLUMNS,
    ...fields.map((field) => `field:${field.key}` as const),
  ];
  const visible = available.filter((id) => chosen.includes(id));
  const toggle = (id: ColumnId) => {
    const next = chosen.includes(id) ? chosen.filter((item) => item !== id) : [...chosen, id];
    setChosen(next);
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(next));
  };
  return { available, visible, chosen, toggle };
}
